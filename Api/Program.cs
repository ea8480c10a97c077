using ReferenceApp.Api.Apis;
using ReferenceApp.Api.Extensions;
using ReferenceApp.Api.Sessions;
using ReferenceApp.ServiceDefaults.Cors;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddSupervision();
builder.AddApiServices();

var app = builder.Build();

app.UseSupervision();
app.UseServedByHeader();
app.UseExceptionHandler();
app.UseStatusCodePages();

app.UseWebOriginCors();
app.UseSessionState();
app.MapDefaultEndpoints();
app.MapOpenApi();
app.MapWhoAmIApi();
app.MapWorkApi();
app.MapCountersApi();
app.MapSessionApi();
#if (!NoRealtime)
app.MapBroadcastApi();
#endif

app.Run();
