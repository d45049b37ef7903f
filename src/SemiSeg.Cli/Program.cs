using SemiSeg.Cli.Commands;

return SemiSegCommand.Create().Parse(args).Invoke();
