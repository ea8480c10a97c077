using ReferenceApp.RealtimeHub.Extensions;
using ReferenceApp.ServiceDefaults.Cors;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddRealtimeHub();

var app = builder.Build();

app.UseWebOriginCors();
app.MapDefaultEndpoints();
app.MapRealtimeHub();

app.Run();
