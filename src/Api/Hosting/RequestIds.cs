namespace HeatmapSaas.Api.Hosting;

/// <summary>
/// Every response carries <c>X-Request-Id</c>: the request's <see cref="HttpContext.TraceIdentifier"/>, which ASP.NET
/// Core also puts in the log scope (<c>RequestId</c>) of every line logged while serving it. A client quoting the
/// header lets the operator find the request's log lines.
/// </summary>
public static class RequestIds
{
    public const string Header = "X-Request-Id";

    public static WebApplication UseRequestIds(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            // On starting, so the header survives the exception handler clearing the response for an error body.
            context.Response.OnStarting(() =>
            {
                context.Response.Headers[Header] = context.TraceIdentifier;
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }
}
