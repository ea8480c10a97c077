using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace ReferenceApp.AppHost.Hosting;

/// <summary>
/// Validates options with their data annotations and reports each attribute's own message, which already names the setting
/// and the fix (the built-in validator wraps it in type and member names a person does not need).
/// </summary>
internal sealed class DataAnnotationsValidation<TOptions> : IValidateOptions<TOptions> where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var results = new List<ValidationResult>();
        return Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(results.Select(result => result.ErrorMessage ?? $"{string.Join(", ", result.MemberNames)} is invalid."));
    }
}
