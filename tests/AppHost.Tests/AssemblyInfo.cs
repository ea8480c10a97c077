// Each collection starts a whole system (DCP, the dashboard, Redis, two clusters of two workers, the Web). On a 2-core
// machine two at once would measure the machine, not the AppHost (the start-up time among it): one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
