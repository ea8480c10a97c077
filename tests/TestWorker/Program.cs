using ReferenceApp.TestWorker;

// A worker that misbehaves on request, for the Supervisor's tests: crashes at start, slow requests, memory growth.
if (Misbehaviour.ShouldCrashOnStart())
{
    Console.Error.WriteLine("TestWorker: crashing on start as asked");
    return Misbehaviour.CrashExitCode;
}

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddSupervision();

var app = builder.Build();
if (!Misbehaviour.ShouldForgetUseSupervision())
{
    app.UseSupervision();
}

app.UseServedByHeader();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseWebSockets();
app.MapDefaultEndpoints();
app.MapMisbehaviourApi();
app.MapRequestProbes();
app.Run();
return 0;
