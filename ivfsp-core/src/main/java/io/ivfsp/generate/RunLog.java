package io.ivfsp.generate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run's logger, named {@code io.ivfsp.generate.GenerationRun} (users such as the CLI set its level by
 * that name), made on first use: a warm run logs nothing, and SLF4J's start (a service-loader scan) would
 * cost it 20-30 ms.
 */
final class RunLog {

    static final Logger log = LoggerFactory.getLogger(GenerationRun.class);

    private RunLog() {
    }
}
