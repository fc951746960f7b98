using PartialWave.Cli;

return Pwa.Run(args, Console.Out, Console.Error);
