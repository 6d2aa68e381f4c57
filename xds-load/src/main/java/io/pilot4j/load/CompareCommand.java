package io.pilot4j.load;

import io.pilot4j.load.measure.FlatJson;
import io.pilot4j.load.run.Comparison;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Print a server's run beside the floor's run (JSON reports of 'run --json') as a Markdown table with ratios.")
final class CompareCommand implements Callable<Integer> {
    @Option(names = "--floor", required = true, description = "report of the run against 'xds-load raw'")
    Path floor;

    @Option(names = "--server", required = true, description = "report of the run against the server judged")
    Path server;

    @Override
    public Integer call() throws Exception {
        System.out.print(Comparison.markdown(FlatJson.read(Files.readString(floor)), FlatJson.read(Files.readString(server))));
        return 0;
    }
}
