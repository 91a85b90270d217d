namespace HeatmapSaas.Errors;

/// <summary>The contract's error codes; each maps to exactly one HTTP status.</summary>
public enum ApiErrorCode
{
    InvalidRequest = 400,
    Unauthorized = 401,
    PaymentFailed = 402,
    Forbidden = 403,
    NotFound = 404,
    MethodNotAllowed = 405,
    Conflict = 409,
    PayloadTooLarge = 413,
    UnsupportedMediaType = 415,
    RateLimited = 429,
    InternalError = 500,
    ServiceUnavailable = 503,
}

/// <summary>What is wrong with a named parameter, as the envelope's <c>details.type</c> says it.</summary>
public enum ParameterProblem
{
    Required,
    Invalid,
    OutOfRange,
    Unknown,
}
