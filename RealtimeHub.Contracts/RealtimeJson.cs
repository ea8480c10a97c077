using System.Text.Json;
using System.Text.Json.Serialization;

namespace ReferenceApp.RealtimeHub.Contracts;

/// <summary>Source-generated JSON for the messages that cross Redis, so publisher and hub agree byte for byte.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(BroadcastEnvelope))]
public sealed partial class RealtimeJson : JsonSerializerContext;
