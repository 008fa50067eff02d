package io.ivfsp.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ivfsp.json.JsonReader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trace's events, each field as Perfetto reads it, and how the file is written. */
class TraceWriterTest {

    private static final long ORIGIN = 5_000_000_000L;

    @TempDir
    Path dir;

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> events(TraceWriter t) {
        return (List<Map<String, Object>>) ((Map<String, Object>) JsonReader.read(t.toJson())).get("traceEvents");
    }

    @Test
    void aCallIsACompleteEventOnItsLaneInMicrosecondsSinceTheOrigin() {
        TraceWriter t = new TraceWriter(ORIGIN);
        t.call(2, ORIGIN + 3_000_000, ORIGIN + 3_000_000 + 1_500_000_000L, List.of("a.json"), List.of("Add"), 4.25, "ok");

        Map<String, Object> e = events(t).get(0);
        assertThat(e).containsEntry("name", "a.json").containsEntry("cat", "atc").containsEntry("ph", "X");
        assertThat(((Number) e.get("ts")).longValue()).isEqualTo(3_000);
        assertThat(((Number) e.get("dur")).longValue()).isEqualTo(1_500_000);
        assertThat(((Number) e.get("pid")).intValue()).isEqualTo(1);
        assertThat(((Number) e.get("tid")).intValue()).isEqualTo(2);
        Map<?, ?> args = (Map<?, ?>) e.get("args");
        assertThat(args.get("files")).isEqualTo(List.of("a.json"));
        assertThat(args.get("ops")).isEqualTo(List.of("Add"));
        assertThat(((Number) args.get("predicted_s")).doubleValue()).isEqualTo(4.25);
        assertThat(((Number) args.get("real_s")).doubleValue()).isEqualTo(1.5);
        assertThat(args.get("status")).isEqualTo("ok");
    }

    @Test
    void aSharedCallIsNamedAfterItsFilesAndAnInstantCallLastsAtLeastOneMicrosecond() {
        TraceWriter t = new TraceWriter(ORIGIN);
        t.call(1, ORIGIN - 10_000, ORIGIN - 10_000, List.of("a.json", "b.json"), List.of("Add", "Mul"), 1, "EXIT_STATUS E1");

        Map<String, Object> e = events(t).get(0);
        assertThat(e).containsEntry("name", "batch of 2: a.json, b.json").containsEntry("cat", "atc,batch");
        assertThat(((Number) e.get("ts")).longValue()).as("before the origin is clamped to 0").isZero();
        assertThat(((Number) e.get("dur")).longValue()).isEqualTo(1);
        assertThat(((Map<?, ?>) e.get("args")).get("status")).isEqualTo("EXIT_STATUS E1");
    }

    @Test
    void lanesNameTheProcessAndEachWorkerInOrder() {
        TraceWriter t = new TraceWriter(ORIGIN);
        t.lanes(2);
        t.instant(2, ORIGIN + 7_000, "reused a.json", "reuse", Map.of("file", "a.json"));
        t.about("jobs", 3);

        List<Map<String, Object>> events = events(t);
        assertThat(events).extracting(e -> e.get("name")).containsExactly("process_name", "thread_name",
                "thread_sort_index", "thread_name", "thread_sort_index", "reused a.json");
        assertThat(events.subList(0, 5)).allSatisfy(e -> assertThat(e).containsEntry("ph", "M"));
        assertThat(((Map<?, ?>) events.get(3).get("args")).get("name")).isEqualTo("worker 2");
        assertThat(((Number) ((Map<?, ?>) events.get(4).get("args")).get("sort_index")).intValue()).isEqualTo(2);
        assertThat(((Number) events.get(3).get("tid")).intValue()).isEqualTo(2);
        Map<String, Object> instant = events.get(5);
        assertThat(instant).containsEntry("ph", "i").containsEntry("s", "t").containsEntry("cat", "reuse");
        assertThat(((Number) instant.get("ts")).longValue()).isEqualTo(7);
        assertThat(((Map<?, ?>) instant.get("args")).get("file")).isEqualTo("a.json");
        @SuppressWarnings("unchecked")
        Map<String, Object> root = (Map<String, Object>) JsonReader.read(t.toJson());
        assertThat(root).containsEntry("displayTimeUnit", "ms");
        assertThat(((Number) ((Map<?, ?>) root.get("otherData")).get("jobs")).intValue()).isEqualTo(3);
    }

    @Test
    void roundKeepsMicroseconds() {
        assertThat(TraceWriter.round(1.23456789)).isEqualTo(1.234568);
        assertThat(TraceWriter.round(2.0)).isEqualTo(2.0);
    }

    @Test
    void theFileIsReplacedWholeAndNoTemporaryIsLeft() throws IOException {
        Path file = Files.writeString(dir.resolve("trace.json"), "old");
        TraceWriter t = new TraceWriter(ORIGIN);
        t.lanes(1);

        t.write(file);

        assertThat(Files.readString(file)).isEqualTo(t.toJson());
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s).containsExactly(file);
        }
    }

    @Test
    void aLinkOrADirectoryInPlaceOfTheFileIsRefusedAndLeftAlone() throws IOException {
        Path target = Files.writeString(dir.resolve("elsewhere"), "keep");
        Path link = Files.createSymbolicLink(dir.resolve("trace.json"), target);
        Path sub = Files.createDirectory(dir.resolve("trace-dir"));
        TraceWriter t = new TraceWriter(ORIGIN);

        assertThatThrownBy(() -> t.write(link)).isInstanceOf(IOException.class).hasMessageContaining("symbolic link")
                .hasMessageContaining(link.toString());
        assertThatThrownBy(() -> t.write(sub)).isInstanceOf(IOException.class).hasMessageContaining("is a directory");
        assertThat(Files.readString(target)).isEqualTo("keep");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s).hasSize(3);
        }
    }
}
