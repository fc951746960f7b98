using System.Runtime.InteropServices;
using PartialWave.Cli;
using PartialWave.Data;

// Interrupted (Ctrl-C, SIGTERM, SIGHUP): outputs being written are abandoned whole, their temporary files removed;
// the process then ends as the signal asks. A run killed outright leaves them to the next write of the same file.
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => OutputFile.DeleteInFlight());
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => OutputFile.DeleteInFlight());
using var hangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, _ => OutputFile.DeleteInFlight());

return Pwa.Run(args, Console.Out, Console.Error);
