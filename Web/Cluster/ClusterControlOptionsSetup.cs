using Microsoft.Extensions.Options;

namespace ReferenceApp.Web.Cluster;

/// <summary>Binds <see cref="ClusterControlOptions"/> (one child section per service) and rejects half-configured entries at start-up.</summary>
internal sealed class ClusterControlOptionsSetup(IConfiguration configuration) :
    IConfigureOptions<ClusterControlOptions>, IValidateOptions<ClusterControlOptions>
{
    public void Configure(ClusterControlOptions options)
    {
        foreach (var service in configuration.GetSection(ClusterControlOptions.SectionName).GetChildren())
        {
            var supervisor = new SupervisorControlOptions();
            service.Bind(supervisor);
            options.Supervisors[service.Key] = supervisor;
        }
    }

    public ValidateOptionsResult Validate(string? name, ClusterControlOptions options)
    {
        var failures = new List<string>();
        foreach (var (service, supervisor) in options.Supervisors)
        {
            if (supervisor.ControlUrl is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                failures.Add($"Cluster:{service}:ControlUrl must be the absolute http URL of the {service} Supervisor's control API " +
                    "(the Supervisor prints it at start-up: 'control http://127.0.0.1:PORT').");
            }

            if (string.IsNullOrWhiteSpace(supervisor.ControlToken))
            {
                failures.Add($"Cluster:{service}:ControlToken must be set to the {service} Supervisor's control token (Supervisor__ControlToken).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
