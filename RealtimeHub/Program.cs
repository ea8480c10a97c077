using ReferenceApp.RealtimeHub.Extensions;
using ReferenceApp.ServiceDefaults.Cors;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddSupervision();
builder.AddRealtimeHub();

var app = builder.Build();

app.UseSupervision();
app.UseServedByHeader();
app.UseExceptionHandler();
app.UseStatusCodePages();

app.UseWebOriginCors();
app.MapDefaultEndpoints();
app.MapRealtimeHub();

app.Run();
