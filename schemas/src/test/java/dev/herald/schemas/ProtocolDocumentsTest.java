package dev.herald.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.herald.schemas.protocol.CloseCode;
import dev.herald.schemas.protocol.ErrorCode;
import dev.herald.schemas.protocol.ResumeReason;
import dev.herald.schemas.protocol.RetainedReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Checks the public protocol documents shipped under {@code dev/herald/schemas/api/}. */
class ProtocolDocumentsTest {

    private static final String OPENAPI = "api/openapi.yaml";
    private static final String ASYNCAPI = "api/asyncapi.yaml";

    private static final YAMLMapper YAML = new YAMLMapper();

    @Test
    void openApiDocumentIsVersion31() throws IOException {
        assertThat(load(OPENAPI).path("openapi").asText()).startsWith("3.1");
    }

    @Test
    void asyncApiDocumentIsVersion30() throws IOException {
        assertThat(load(ASYNCAPI).path("asyncapi").asText()).startsWith("3.0");
    }

    @Test
    void openApiDocumentDescribesEveryIngestPath() throws IOException {
        JsonNode paths = load(OPENAPI).path("paths");

        assertThat(names(paths)).contains(
                "/v1/channels/{channel}/events", "/v1/events", "/v1/channels/{channel}/latest", "/healthz", "/readyz", "/metrics");
        assertThat(paths.path("/v1/channels/{channel}/events").has("post")).isTrue();
        assertThat(paths.path("/v1/events").has("post")).isTrue();
        // GET is an edge's (its own servers entry, see openApiLatestReadIsServedByAnEdge...)
        assertThat(names(paths.path("/v1/channels/{channel}/latest"))).containsExactly("delete", "get", "options", "parameters");
        assertThat(names(paths.path("/v1/channels/{channel}/latest").path("delete").path("responses")))
                .containsExactly("204", "400", "401", "403", "429", "503");
        assertThat(paths.path("/healthz").has("get")).isTrue();
        assertThat(paths.path("/readyz").has("get")).isTrue();
        assertThat(paths.path("/metrics").has("get")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {OPENAPI, ASYNCAPI})
    void everyReferenceResolvesWithinItsDocument(String resource) throws IOException {
        JsonNode document = load(resource);
        List<String> refs = new ArrayList<>();
        collectRefs(document, refs);

        assertThat(refs).as("$ref values in %s", resource).isNotEmpty();
        for (String ref : refs) {
            assertThat(ref).as("$ref in %s", resource).startsWith("#/");
            JsonNode target = document.at(JsonPointer.compile(ref.substring(1)));
            assertThat(target.isMissingNode()).as("%s resolves in %s", ref, resource).isFalse();
        }
    }

    @Test
    void everyOpenApiErrorResponseIsAProblemDocument() throws IOException {
        JsonNode document = load(OPENAPI);
        for (Map.Entry<String, JsonNode> path : document.path("paths").properties()) {
            if (path.getKey().equals("/readyz")) {
                continue; // readiness answers 503 with its own status object, by contract
            }
            for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
                for (Map.Entry<String, JsonNode> response : operation.getValue().path("responses").properties()) {
                    if (response.getKey().startsWith("4") || response.getKey().startsWith("5")) {
                        JsonNode resolved = resolve(document, response.getValue());
                        assertThat(names(resolved.path("content")))
                                .as("%s %s %s", operation.getKey(), path.getKey(), response.getKey())
                                .containsExactly("application/problem+json");
                    }
                }
            }
        }
    }

    @Test
    void openApiProblemTypesCoverEverySlug() throws IOException {
        JsonNode types = load(OPENAPI).at("/components/schemas/ProblemType/enum");
        Set<String> values = new TreeSet<>();
        types.forEach(node -> values.add(node.asText()));

        assertThat(values).contains(
                "urn:herald:problem:invalid-channel",
                "urn:herald:problem:invalid-body",
                "urn:herald:problem:invalid-idempotency-key",
                "urn:herald:problem:invalid-batch-line",
                "urn:herald:problem:payload-too-large",
                "urn:herald:problem:unsupported-media-type",
                "urn:herald:problem:log-unavailable",
                "urn:herald:problem:not-found",
                "urn:herald:problem:method-not-allowed",
                "urn:herald:problem:ephemeral-unavailable",
                "urn:herald:problem:ephemeral-send-failed",
                "urn:herald:problem:missing-token",
                "urn:herald:problem:invalid-token",
                "urn:herald:problem:forbidden",
                "urn:herald:problem:origin-not-allowed",
                "urn:herald:problem:rate-limited",
                "urn:herald:problem:keys-unavailable",
                "urn:herald:problem:invalid-limit",
                "urn:herald:problem:invalid-position",
                "urn:herald:problem:epoch-mismatch",
                "urn:herald:problem:offset-out-of-range",
                "urn:herald:problem:history-unavailable",
                "urn:herald:problem:resume-busy");
    }

    @Test
    void openApiProblemTypeTableListsExactlyItsEnum() throws IOException {
        JsonNode problemType = load(OPENAPI).at("/components/schemas/ProblemType");
        Set<String> enumerated = new TreeSet<>();
        problemType.path("enum").forEach(node -> enumerated.add(node.asText().substring("urn:herald:problem:".length())));

        assertThat(tableKeys(problemType.path("description").asText(), "\\| `([a-z0-9-]+)` \\|")).isEqualTo(enumerated);
    }

    @Test
    void openApiProblemExamplesUseListedTypes() throws IOException {
        JsonNode document = load(OPENAPI);
        Set<String> types = new TreeSet<>();
        document.at("/components/schemas/ProblemType/enum").forEach(node -> types.add(node.asText()));
        Set<String> used = new TreeSet<>();
        collectProblemTypes(document.path("components").path("responses"), used);

        assertThat(used).isNotEmpty();
        assertThat(types).containsAll(used);
    }

    @Test
    void openApiPublishAndClearOperationsNeedABearerTokenAndSayWhatRefusesIt() throws IOException {
        JsonNode document = load(OPENAPI);
        JsonNode scheme = document.at("/components/securitySchemes/bearerToken");
        assertThat(scheme.path("type").asText()).isEqualTo("http");
        assertThat(scheme.path("scheme").asText()).isEqualTo("bearer");
        assertThat(scheme.path("bearerFormat").asText()).isEqualTo("JWT");
        assertThat(document.has("security")).as("no document-wide security: health, readiness and metrics need no token").isFalse();

        for (String path : List.of("/v1/channels/{channel}/events", "/v1/events", "/v1/channels/{channel}/latest")) {
            String method = path.endsWith("/latest") ? "delete" : "post";
            JsonNode operation = document.path("paths").path(path).path(method);
            assertThat(operation.at("/security/0").has("bearerToken")).as("%s %s security", method, path).isTrue();
            assertThat(names(operation.path("responses"))).as("%s %s responses", method, path).contains("401", "403", "429", "503");
            assertThat(names(resolve(document, operation.at("/responses/401")).path("headers")))
                    .as("%s %s 401 headers", method, path).contains("WWW-Authenticate");
            JsonNode preflight = document.path("paths").path(path).path("options");
            assertThat(names(preflight.path("responses"))).as("OPTIONS %s responses", path).contains("204", "403");
        }
        for (String path : List.of("/healthz", "/readyz", "/metrics")) {
            assertThat(document.path("paths").path(path).path("get").has("security")).as("GET %s security", path).isFalse();
        }
    }

    @Test
    void openApiHistoryReadIsServedByAnEdgeWithTheTokensOfSseAndSaysWhatRefusesIt() throws IOException {
        JsonNode document = load(OPENAPI);
        JsonNode get = document.path("paths").path("/v1/channels/{channel}/events").path("get");

        assertThat(get.at("/servers/0/url").asText()).contains("{edge}");
        assertThat(document.at("/servers/0/url").asText()).as("the other paths are ingest's").contains("{ingest}");
        List<String> schemes = new ArrayList<>();
        get.path("security").forEach(requirement -> schemes.addAll(names(requirement)));
        assertThat(schemes).containsExactly("bearerToken", "tokenCookie");
        assertThat(document.at("/components/securitySchemes/tokenCookie/in").asText()).isEqualTo("cookie");
        List<String> parameters = new ArrayList<>();
        get.path("parameters").forEach(p -> parameters.add(resolve(document, p).path("name").asText()));
        assertThat(parameters).containsExactly("since", "limit");
        assertThat(document.at("/components/parameters/Limit/schema/maximum").asInt()).isEqualTo(1000);
        assertThat(document.at("/components/parameters/Limit/schema/default").asInt()).isEqualTo(100);
        assertThat(names(get.path("responses"))).containsExactlyInAnyOrder("200", "400", "401", "403", "409", "410", "503");
        JsonNode page = resolve(document, get.at("/responses/200")).at("/content/application~1json/schema");
        assertThat(names(resolve(document, page).path("properties"))).containsExactlyInAnyOrder("channel", "events", "next", "more");
    }

    @Test
    void asyncApiSubscribeTakesSinceOrSinceTimeAndSseTakesSinceTime() throws IOException {
        JsonNode document = load(ASYNCAPI);
        JsonNode subscribe = document.at("/components/schemas/SubscribeFrame");

        assertThat(names(subscribe.path("properties"))).contains("since", "since_time");
        assertThat(subscribe.path("properties").path("since_time").path("format").asText()).isEqualTo("date-time");
        List<String> exclusive = new ArrayList<>();
        subscribe.at("/not/required").forEach(n -> exclusive.add(n.asText()));
        assertThat(exclusive).as("not both").containsExactly("since", "since_time");
        assertThat(names(document.at("/components/schemas/SseQuery/properties"))).contains("since_time", "lastEventId");
    }

    @Test
    void asyncApiDocumentNamesEveryClientAndServerOp() throws IOException {
        JsonNode document = load(ASYNCAPI);

        Set<String> frameOps = new TreeSet<>();
        collectOpConstants(document.at("/components/schemas"), frameOps);
        assertThat(frameOps).containsExactlyInAnyOrder(
                "auth", "refresh", "subscribe", "unsubscribe", "publish",
                "authenticated", "subscribed", "unsubscribed", "event", "error");

        Set<String> received = new TreeSet<>();
        Set<String> sent = new TreeSet<>();
        for (Map.Entry<String, JsonNode> operation : document.path("operations").properties()) {
            String action = operation.getValue().path("action").asText();
            if (action.equals("receive")) {
                received.add(operation.getKey());
            } else if (action.equals("send")) {
                sent.add(operation.getKey());
            }
        }
        assertThat(received).as("client ops, received by the edge")
                .containsExactlyInAnyOrder("auth", "refresh", "subscribe", "unsubscribe", "publish");
        assertThat(sent).as("server ops, sent by the edge").contains("authenticated", "subscribed", "unsubscribed", "event", "error");
    }

    @Test
    void asyncApiDocumentHasAMessageAndAnOperationForEveryWebSocketFrame() throws IOException {
        JsonNode document = load(ASYNCAPI);
        Set<String> frameOps = new TreeSet<>();
        Set<String> messageNames = new TreeSet<>();
        for (Map.Entry<String, JsonNode> entry : document.path("channels").path("ws").path("messages").properties()) {
            JsonNode message = resolve(document, entry.getValue());
            String op = resolve(document, message.path("payload")).at("/properties/op/const").asText();
            assertThat(message.path("name").asText()).as("name of ws message %s", entry.getKey()).isEqualTo(op);
            assertThat(entry.getKey()).as("key of ws message %s", op).isEqualTo(op);
            frameOps.add(op);
            messageNames.add(message.path("name").asText());
        }
        Set<String> operations = new TreeSet<>();
        for (Map.Entry<String, JsonNode> operation : document.path("operations").properties()) {
            if (operation.getValue().at("/channel/$ref").asText().equals("#/channels/ws")) {
                operations.add(operation.getKey());
            }
        }
        Set<String> allOps = new TreeSet<>();
        collectOpConstants(document.at("/components/schemas"), allOps);

        assertThat(frameOps).isEqualTo(allOps);
        assertThat(operations).isEqualTo(allOps);
    }

    @Test
    void asyncApiDocumentNamesTheTokenOfEachEndpoint() throws IOException {
        JsonNode document = load(ASYNCAPI);
        JsonNode scheme = document.at("/components/securitySchemes/bearerToken");
        assertThat(scheme.path("type").asText()).isEqualTo("http");
        assertThat(scheme.path("scheme").asText()).isEqualTo("bearer");
        assertThat(scheme.path("bearerFormat").asText()).isEqualTo("JWT");

        assertThat(securityRefs(document.at("/servers/edgeWs"))).containsExactly("#/components/securitySchemes/bearerToken");
        assertThat(securityRefs(document.at("/servers/edgeHttp")))
                .containsExactly("#/components/securitySchemes/bearerToken", "#/components/securitySchemes/tokenCookie");
    }

    @Test
    void asyncApiDocumentDescribesWebSocketAndSseEndpoints() throws IOException {
        JsonNode channels = load(ASYNCAPI).path("channels");
        Set<String> addresses = new TreeSet<>();
        channels.forEach(channel -> addresses.add(channel.path("address").asText()));

        assertThat(addresses).contains("/v1/ws", "/v1/sse");
    }

    @Test
    void asyncApiDocumentListsEveryCloseCodeOfTheEdge() throws IOException {
        String description = load(ASYNCAPI).at("/channels/ws/description").asText();

        Set<String> documented = tableKeys(description, "\\| (\\d{4}) \\|");
        Set<String> codes = new TreeSet<>();
        for (CloseCode code : CloseCode.values()) {
            codes.add(String.valueOf(code.code()));
        }
        assertThat(documented).isEqualTo(codes);
    }

    @Test
    void asyncApiDocumentListsEveryErrorCodeOfTheEdge() throws IOException {
        String description = load(ASYNCAPI).at("/components/schemas/ErrorFrame/description").asText();

        Set<String> codes = new TreeSet<>();
        for (ErrorCode code : ErrorCode.values()) {
            codes.add(code.wire());
        }
        assertThat(tableKeys(description, "\\| `([a-z0-9-]+)` \\|")).isEqualTo(codes);
    }

    @Test
    void asyncApiDocumentListsEveryResumeReason() throws IOException {
        JsonNode recoveryReason = load(ASYNCAPI).at("/components/schemas/RecoveryReason");
        Set<String> enumerated = new TreeSet<>();
        recoveryReason.path("enum").forEach(node -> enumerated.add(node.asText()));

        Set<String> reasons = new TreeSet<>();
        for (ResumeReason reason : ResumeReason.values()) {
            reasons.add(reason.wire());
        }
        assertThat(enumerated).isEqualTo(reasons);
        assertThat(tableKeys(recoveryReason.path("description").asText(), "\\| `([a-z0-9-]+)` \\|")).isEqualTo(reasons);
    }

    @Test
    void asyncApiDocumentListsEveryRetainedReasonAndTheSubscribeFieldsOfIssue19() throws IOException {
        JsonNode document = load(ASYNCAPI);
        JsonNode retainedReason = document.at("/components/schemas/RetainedReason");
        Set<String> enumerated = new TreeSet<>();
        retainedReason.path("enum").forEach(node -> enumerated.add(node.asText()));
        Set<String> reasons = new TreeSet<>();
        for (RetainedReason reason : RetainedReason.values()) {
            reasons.add(reason.wire());
        }
        assertThat(enumerated).isEqualTo(reasons);
        assertThat(tableKeys(retainedReason.path("description").asText(), "\\| `([a-z0-9-]+)` \\|")).isEqualTo(reasons);

        assertThat(names(document.at("/components/schemas/SubscribeFrame/properties"))).contains("last", "mode");
        assertThat(document.at("/components/schemas/SubscribeFrame/properties/mode/enum").toString()).isEqualTo("[\"all\",\"latest\"]");
        assertThat(names(document.at("/components/schemas/SubscribedFrame/properties"))).contains("retained", "retained_reason");
        assertThat(document.at("/components/schemas/EventFrame/properties/retained/const").asBoolean()).isTrue();
    }

    @Test
    void openApiLatestReadIsServedByAnEdgeWithTheTokensOfSseAndAnswers404WithoutAValue() throws IOException {
        JsonNode document = load(OPENAPI);
        JsonNode get = document.path("paths").path("/v1/channels/{channel}/latest").path("get");

        assertThat(get.at("/servers/0/url").asText()).contains("{edge}");
        List<String> schemes = new ArrayList<>();
        get.path("security").forEach(requirement -> schemes.addAll(names(requirement)));
        assertThat(schemes).containsExactly("bearerToken", "tokenCookie");
        assertThat(names(get.path("responses"))).containsExactlyInAnyOrder("200", "400", "401", "403", "404", "503");
        JsonNode value = resolve(document, get.at("/responses/200")).at("/content/application~1json/schema");
        assertThat(resolve(document, value).at("/properties/retained/const").asBoolean()).isTrue();
        assertThat(resolve(document, get.at("/responses/404")).at("/content/application~1problem+json/example/type").asText())
                .isEqualTo("urn:herald:problem:no-latest-value");
    }

    private static JsonNode load(String resource) throws IOException {
        try (InputStream in = ProtocolDocumentsTest.class.getResourceAsStream(resource)) {
            assertThat(in).as("classpath resource %s", resource).isNotNull();
            return YAML.readTree(in);
        }
    }

    /** The keys of the Markdown table rows in {@code text}: group 1 of {@code rowStart} where a line starts with it. */
    private static Set<String> tableKeys(String text, String rowStart) {
        Set<String> keys = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^" + rowStart).matcher(text);
        while (m.find()) {
            keys.add(m.group(1));
        }
        return keys;
    }

    private static List<String> securityRefs(JsonNode server) {
        List<String> refs = new ArrayList<>();
        server.path("security").forEach(entry -> refs.add(entry.path("$ref").asText()));
        return refs;
    }

    /** The {@code type} of every problem example under {@code node}. */
    private static void collectProblemTypes(JsonNode node, Set<String> types) {
        if (node.isObject()) {
            JsonNode example = node.path("content").path("application/problem+json").path("example");
            if (example.path("type").isTextual()) {
                types.add(example.path("type").asText());
            }
            node.forEach(child -> collectProblemTypes(child, types));
        } else if (node.isArray()) {
            node.forEach(child -> collectProblemTypes(child, types));
        }
    }

    private static Set<String> names(JsonNode object) {
        Set<String> names = new TreeSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static JsonNode resolve(JsonNode document, JsonNode node) {
        JsonNode current = node;
        while (current.has("$ref")) {
            current = document.at(JsonPointer.compile(current.get("$ref").asText().substring(1)));
        }
        return current;
    }

    private static void collectRefs(JsonNode node, List<String> refs) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (field.getKey().equals("$ref") && field.getValue().isTextual()) {
                    refs.add(field.getValue().asText());
                } else {
                    collectRefs(field.getValue(), refs);
                }
            }
        } else if (node.isArray()) {
            node.forEach(element -> collectRefs(element, refs));
        }
    }

    private static void collectOpConstants(JsonNode node, Set<String> ops) {
        if (node.isObject()) {
            JsonNode op = node.path("properties").path("op").path("const");
            if (op.isTextual()) {
                ops.add(op.asText());
            }
            node.forEach(child -> collectOpConstants(child, ops));
        } else if (node.isArray()) {
            node.forEach(child -> collectOpConstants(child, ops));
        }
    }
}
