using SemiSeg.Cli.Commands;

Terminal.UseForProcess();
return SemiSegCommand.Create().Parse(args).Invoke();
