package io.ivfsp.cli;

import picocli.CommandLine;

/** Registers the registry subcommands, {@code fetch} and {@code publish}, with their configuration flags. */
final class FleetCommands {

    private FleetCommands() {
    }

    static void add(IvfspCli cli, CommandLine commandLine) {
        FetchCommand fetch = new FetchCommand(cli);
        CommandLine fetchLine = new CommandLine(fetch);
        fetch.addParameterOptions(fetchLine.getCommandSpec());
        commandLine.addSubcommand("fetch", fetchLine);
        PublishCommand publish = new PublishCommand(cli);
        CommandLine publishLine = new CommandLine(publish);
        publish.addParameterOptions(publishLine.getCommandSpec());
        commandLine.addSubcommand("publish", publishLine);
        RemoteDoctor.addConfigOptions(commandLine.getSubcommands().get("doctor").getCommandSpec());
    }
}
