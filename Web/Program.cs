using ReferenceApp.Web.Hosting;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddWebFrontEnd();

var app = builder.Build();

app.UseServedByHeader();

app.MapDefaultEndpoints();
app.MapWebFrontEnd();

app.Run();
