namespace HeatmapSaas.Errors;

/// <summary>
/// A refusal the client caused. Thrown by validation and by grains (it crosses the wire), and turned into the
/// contract's error envelope in one place by the API.
/// </summary>
[GenerateSerializer]
public sealed class ApiException : Exception
{
    public ApiException(
        ApiErrorCode code, string message, string? parameter = null, ParameterProblem? problem = null, int? retryAfterSeconds = null)
        : base(message)
    {
        Code = code;
        Parameter = parameter;
        Problem = problem;
        RetryAfterSeconds = retryAfterSeconds;
    }

    [Id(0)] public ApiErrorCode Code { get; }
    [Id(1)] public string? Parameter { get; }
    [Id(2)] public ParameterProblem? Problem { get; }

    /// <summary>For 429 and 503: when to try again, sent as <c>Retry-After</c>.</summary>
    [Id(3)] public int? RetryAfterSeconds { get; }

    public static ApiException NotFound(string what) => new(ApiErrorCode.NotFound, $"{what} not found");

    public static ApiException Conflict(string message, string? parameter = null) =>
        new(ApiErrorCode.Conflict, message, parameter, parameter is null ? null : ParameterProblem.Invalid);

    public static ApiException Required(string parameter) =>
        new(ApiErrorCode.InvalidRequest, $"Missing required parameter: {parameter}", parameter, ParameterProblem.Required);

    public static ApiException Invalid(string parameter, string message) =>
        new(ApiErrorCode.InvalidRequest, message, parameter, ParameterProblem.Invalid);

    public static ApiException OutOfRange(string parameter, string message) =>
        new(ApiErrorCode.InvalidRequest, message, parameter, ParameterProblem.OutOfRange);
}
