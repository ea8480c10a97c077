// A minimal SignalR app for the sticky balancing tests, standing in for a real hub: one hub that says which process
// holds the connection.
using ReferenceApp.TestHub;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddSupervision();
builder.Services.AddSignalR();

var app = builder.Build();
app.UseSupervision();
app.UseServedByHeader();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapDefaultEndpoints();
app.MapHub<WhoAmIHub>("/hub");
app.Run();
