using System.ComponentModel.DataAnnotations;

namespace ReferenceApp.Api.Extensions;

/// <summary>Limits of the Api service, bound from the <c>Api</c> configuration section.</summary>
public sealed class ApiOptions
{
    public const string SectionName = "Api";

    /// <summary>Largest request body accepted, in bytes; larger bodies get 413.</summary>
    [Range(1024, 16 * 1024 * 1024, ErrorMessage = "Api:MaxRequestBodyBytes must be between 1 KiB and 16 MiB.")]
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;
}
