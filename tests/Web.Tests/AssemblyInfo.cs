// Each test class starts a whole system (AppHost, Redis, two clusters of two workers, the Web) and a browser.
// On a 2-core machine two of them at once would measure the machine, not the system: one class at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
