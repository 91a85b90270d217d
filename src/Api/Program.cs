using HeatmapSaas.Api.Hosting;

HeatmapApp.Build(args).Run();
