using System.Text.Json;
using System.Text.Json.Serialization;

namespace ReferenceApp.Supervisor.Contracts;

/// <summary>
/// Source-generated JSON for the control API's answers, camelCase with enums by name. The Supervisor writes with it and
/// <see cref="SupervisorControlClient"/> reads with it, so both sides agree on every byte.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SupervisorStatus))]
[JsonSerializable(typeof(ReloadStatus))]
[JsonSerializable(typeof(WorkerCommandResponse))]
[JsonSerializable(typeof(ScaleResponse))]
public sealed partial class SupervisorControlJson : JsonSerializerContext;
