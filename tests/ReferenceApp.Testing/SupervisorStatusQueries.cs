using ReferenceApp.Supervisor.Contracts;

namespace ReferenceApp.Testing;

/// <summary>What tests ask of a Supervisor's status again and again.</summary>
public static class SupervisorStatusQueries
{
    extension(SupervisorStatus status)
    {
        /// <summary>The workers whose state is Ready.</summary>
        public IReadOnlyList<WorkerStatus> Ready => [.. status.Workers.Where(worker => worker.State == WorkerState.Ready)];

        /// <summary>The slot with <paramref name="index"/>; fails when there is none.</summary>
        public WorkerStatus Worker(int index) => status.Workers.Single(worker => worker.Index == index);
    }
}
