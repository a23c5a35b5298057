package dev.herald.server.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.herald.server.auth.AdminAccess;
import dev.herald.server.auth.Authenticator;
import dev.herald.server.auth.BearerHeader;
import dev.herald.server.http.HttpAnswers;
import dev.herald.server.http.Problem;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.server.handlers.Cookie;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.SameThreadExecutor;

/**
 * A service's admin routes, alike on ingest and the edges:
 * <ul>
 *   <li>{@value #PAGE_PATH}: the admin page, one self-contained HTML file (its script inline, no
 *       other assets) that asks for the status every second and shows it;
 *   <li>{@value #STATUS_PATH}: the status as JSON, {@code {"services":[...]}}: this service's
 *       own figures first ({@code self: true}), then each {@linkplain AdminPeers peer}'s, fetched
 *       with the caller's token; {@code ?scope=self} gives this service's alone (what peers ask);
 *   <li>{@value #LOGIN_PATH}: a form where an operator pastes a token; its POST keeps the token in
 *       an HttpOnly, {@code SameSite=Strict} cookie scoped to {@code /admin}, so that a browser
 *       can open the page with tokens on, and never with the token in a URL. An empty token
 *       clears the cookie.
 * </ul>
 * The page and the status are behind {@link AdminAccess}: with tokens on, only a token with the
 * admin permission (header or that cookie) gets them; 401 or 403 otherwise. The login form is
 * open (it shows nothing), and takes a POST only from its own origin.
 */
public final class AdminRoutes implements HttpHandler {

    public static final String PAGE_PATH = "/admin";
    public static final String STATUS_PATH = "/admin/status";
    public static final String LOGIN_PATH = "/admin/login";
    /** {@code ?scope=self}: this service's status only, without its peers'. */
    public static final String SELF_SCOPE = "self";
    /** Largest login form body, in bytes: a token, with room to spare. */
    static final int LOGIN_MAX_BYTES = 16 * 1024;

    private static final Pattern TOKEN_CHARS = Pattern.compile("[A-Za-z0-9._~+/=-]+");
    private static final HttpString CSP = new HttpString("Content-Security-Policy");
    private static final HttpString NO_SNIFF = new HttpString("X-Content-Type-Options");
    private static final String HTML = "text/html; charset=utf-8";

    private final String cookieName;
    private final Supplier<Map<String, Object>> self;
    private final AdminPeers peers;
    private final HttpHandler guardedPage;
    private final HttpHandler guardedStatus;
    private final Page page;
    private final Page login;

    /**
     * @param authenticator checks tokens (everyone passes with tokens off)
     * @param workers       where a token is verified when that may wait on a key server, or {@code null}
     * @param cookieName    the cookie the login form sets and the guard reads
     * @param self          this service's status: {@code service} ("ingest" or "edge"), {@code id} and its figures;
     *                      called on an I/O thread, so it must not block
     */
    public AdminRoutes(Authenticator authenticator, Executor workers, String cookieName, Supplier<Map<String, Object>> self, AdminPeers peers) {
        this.cookieName = cookieName;
        this.self = self;
        this.peers = peers;
        this.page = Page.load("admin.html");
        this.login = Page.load("admin-login.html");
        this.guardedPage = new AdminAccess(authenticator, workers, cookieName, page::send);
        this.guardedStatus = new AdminAccess(authenticator, workers, cookieName, this::status);
    }

    /** Whether {@code path} is one of these routes. */
    public static boolean handles(String path) {
        return path.equals(PAGE_PATH) || path.equals(STATUS_PATH) || path.equals(LOGIN_PATH);
    }

    /** The peers whose status the page shows. */
    public AdminPeers peers() {
        return peers;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        String path = exchange.getRequestPath();
        boolean get = exchange.getRequestMethod().equals(Methods.GET);
        switch (path) {
            case PAGE_PATH -> {
                if (get) {
                    guardedPage.handleRequest(exchange);
                } else {
                    methodNotAllowed(exchange, "GET");
                }
            }
            case STATUS_PATH -> {
                if (get) {
                    guardedStatus.handleRequest(exchange);
                } else {
                    methodNotAllowed(exchange, "GET");
                }
            }
            case LOGIN_PATH -> {
                if (get) {
                    login.send(exchange);
                } else if (exchange.getRequestMethod().equals(Methods.POST)) {
                    logIn(exchange);
                } else {
                    methodNotAllowed(exchange, "GET, POST");
                }
            }
            default -> HttpAnswers.problem(exchange, Problem.notFound(path));
        }
    }

    private void status(HttpServerExchange exchange) {
        Map<String, Object> own = new LinkedHashMap<>(self.get());
        own.put("url", exchange.getRequestScheme() + "://" + exchange.getHostAndPort());
        own.put("up", true);
        own.put("self", true);
        String scope = exchange.getQueryParameters().containsKey("scope") ? exchange.getQueryParameters().get("scope").peekFirst() : null;
        if (SELF_SCOPE.equals(scope) || peers.urls().isEmpty()) {
            answerStatus(exchange, List.of(own));
            return;
        }
        String token = token(exchange);
        exchange.dispatch(SameThreadExecutor.INSTANCE, () -> peers.statuses(token).thenAccept(others -> {
            List<Map<String, Object>> all = new ArrayList<>();
            all.add(own);
            all.addAll(others);
            answerStatus(exchange, all);
        }));
    }

    private static void answerStatus(HttpServerExchange exchange, List<Map<String, Object>> services) {
        Map<String, Object> body = Map.of("services", services);
        HttpAnswers.json(exchange, 200, body, AdminRoutes::noStore);
    }

    /** The caller's token, as the guard found it: the bearer header, or the cookie. */
    private String token(HttpServerExchange exchange) {
        String header = BearerHeader.token(exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION));
        if (header != null) {
            return header;
        }
        Cookie cookie = exchange.getRequestCookie(cookieName);
        return cookie == null || cookie.getValue().isEmpty() ? null : cookie.getValue();
    }

    private void logIn(HttpServerExchange exchange) {
        String origin = exchange.getRequestHeaders().getFirst(Headers.ORIGIN);
        String own = exchange.getRequestScheme() + "://" + exchange.getHostAndPort();
        if (origin != null && !origin.equals(own)) {
            HttpAnswers.problem(exchange, new Problem("origin-not-allowed", "Origin not allowed", 403,
                    "the admin login takes a form from " + own + " only, not from " + origin));
            return;
        }
        exchange.setMaxEntitySize(LOGIN_MAX_BYTES);
        exchange.getRequestReceiver().receiveFullString((ex, body) -> {
            String token = formField(body, "token").strip();
            if (!token.isEmpty() && !TOKEN_CHARS.matcher(token).matches()) {
                HttpAnswers.problem(ex, new Problem("invalid-body", "Invalid request body", 400,
                        "the token has characters no JWT has: paste the token alone, as herald token prints it"));
                return;
            }
            boolean secure = "https".equals(ex.getRequestScheme());
            String cookie = cookieName + "=" + token + "; Path=" + PAGE_PATH + "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
                    + (token.isEmpty() ? "; Max-Age=0" : "");
            HttpAnswers.send(ex, 303, "text/plain; charset=utf-8", new byte[0], headers -> {
                headers.put(Headers.SET_COOKIE, cookie);
                headers.put(Headers.LOCATION, PAGE_PATH);
                noStore(headers);
            });
        }, (ex, e) -> {
            if (e instanceof RequestTooBigException) {
                HttpAnswers.problem(ex, new Problem("payload-too-large", "Payload too large", 413,
                        "the login form takes at most " + LOGIN_MAX_BYTES + " bytes"));
            } else {
                HttpAnswers.problem(ex, new Problem("invalid-body", "Invalid request body", 400,
                        "the login form could not be read: " + e.getMessage()));
            }
        }, StandardCharsets.UTF_8);
    }

    /** The first value of {@code name} in an {@code application/x-www-form-urlencoded} body, or "". */
    static String formField(String body, String name) {
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (key.equals(name)) {
                return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return "";
    }

    private static void methodNotAllowed(HttpServerExchange exchange, String allowed) {
        HttpAnswers.methodNotAllowed(exchange, allowed, exchange.getRequestMethod() + " is not allowed on " + exchange.getRequestPath());
    }

    private static void noStore(HeaderMap headers) {
        headers.put(Headers.CACHE_CONTROL, "no-store");
        headers.put(NO_SNIFF, "nosniff");
    }

    /**
     * An HTML page from this package's resources, with a Content-Security-Policy that allows its
     * own inline script (by hash) and nothing from elsewhere: no other scripts, styles only inline,
     * requests only to this service, forms only to it, no framing.
     */
    private record Page(byte[] html, String policy) {

        private static final Pattern SCRIPT = Pattern.compile("<script>(.*?)</script>", Pattern.DOTALL);

        static Page load(String name) {
            try (InputStream in = AdminRoutes.class.getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalStateException("the resource " + name + " is missing from the server module's jar");
                }
                byte[] html = in.readAllBytes();
                StringBuilder scripts = new StringBuilder();
                Matcher m = SCRIPT.matcher(new String(html, StandardCharsets.UTF_8));
                while (m.find()) {
                    byte[] digest = MessageDigest.getInstance("SHA-256").digest(m.group(1).getBytes(StandardCharsets.UTF_8));
                    scripts.append(" 'sha256-").append(Base64.getEncoder().encodeToString(digest)).append('\'');
                }
                String policy = "default-src 'none'; script-src" + (scripts.length() == 0 ? " 'none'" : scripts)
                        + "; style-src 'unsafe-inline'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
                return new Page(html, policy);
            } catch (IOException e) {
                throw new UncheckedIOException("reading the resource " + name + " failed", e);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("this JVM has no SHA-256", e);
            }
        }

        void send(HttpServerExchange exchange) {
            HttpAnswers.send(exchange, 200, HTML, html, headers -> {
                noStore(headers);
                headers.put(CSP, policy);
            });
        }
    }
}
