using ReferenceApp.Api.Apis;
using ReferenceApp.Api.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApiServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapOpenApi();
app.MapWhoAmIApi();
app.MapWorkApi();
app.MapCountersApi();

app.Run();
