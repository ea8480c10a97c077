// The cluster primary arrives with the Supervisor issue; until then this project only builds.
Console.Error.WriteLine("Supervisor: not implemented yet.");
return 1;
