using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace ReferenceApp.AppHost.Dashboard;

/// <summary>Generates the per-run secrets that were not configured, and checks the options with actionable messages.</summary>
internal sealed class DashboardOptionsSetup : IPostConfigureOptions<DashboardOptions>, IValidateOptions<DashboardOptions>
{
    /// <summary>Configured secrets shorter than this are refused: they guard every resource's telemetry and actions.</summary>
    public const int MinimumSecretLength = 16;

    public void PostConfigure(string? name, DashboardOptions options)
    {
        // IOptions caches the instance, so the whole process sees one generated value per run.
        if (string.IsNullOrWhiteSpace(options.BrowserToken))
        {
            options.BrowserToken = DashboardOptions.GenerateToken();
        }

        if (string.IsNullOrWhiteSpace(options.OtlpApiKey))
        {
            options.OtlpApiKey = DashboardOptions.GenerateToken();
        }
    }

    public ValidateOptionsResult Validate(string? name, DashboardOptions options)
    {
        var failures = new List<string>();
        AddAnnotationFailures(options, failures);
        AddAnnotationFailures(options.Telemetry, failures);

        var ports = new[] { options.Port, options.OtlpGrpcPort, options.OtlpHttpPort };
        if (ports.Distinct().Count() != ports.Length)
        {
            failures.Add($"Dashboard:Port ({options.Port}), Dashboard:OtlpGrpcPort ({options.OtlpGrpcPort}) and Dashboard:OtlpHttpPort ({options.OtlpHttpPort}) must be three different ports.");
        }

        if (options.BrowserToken.Length < MinimumSecretLength)
        {
            failures.Add($"Dashboard:BrowserToken must be at least {MinimumSecretLength} characters, or left unset to generate one per run.");
        }

        if (options.OtlpApiKey.Length < MinimumSecretLength)
        {
            failures.Add($"Dashboard:OtlpApiKey must be at least {MinimumSecretLength} characters, or left unset to generate one per run.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void AddAnnotationFailures(object instance, List<string> failures)
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(instance, new ValidationContext(instance), results, validateAllProperties: true))
        {
            failures.AddRange(results.Select(result => result.ErrorMessage ?? "Invalid dashboard setting."));
        }
    }
}
