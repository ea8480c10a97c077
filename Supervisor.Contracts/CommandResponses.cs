namespace ReferenceApp.Supervisor.Contracts;

/// <summary>The answer to <c>POST /workers/{index}/kill</c> and <c>/restart</c>.</summary>
/// <param name="Pid">The process the command applies to; null when the slot had none (a restart of an idle slot).</param>
/// <param name="Action">What the Supervisor did: <c>killed</c> or <c>restarting</c>.</param>
public sealed record WorkerCommandResponse(int Index, int? Pid, string Action);

/// <summary>The answer to <c>POST /scale?workers=N</c>; the workers start or drain in the background.</summary>
public sealed record ScaleResponse(int PreviousWorkers, int DesiredWorkers);
