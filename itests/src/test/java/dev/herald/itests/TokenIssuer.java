package dev.herald.itests;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;

/**
 * An identity provider on loopback, as a deployment would have one: RSA keys by {@code kid}, a
 * JWKS endpoint serving the public ones it chooses to publish (so a test can rotate keys), and
 * tokens signed with Nimbus, independently of Herald's own minter.
 */
final class TokenIssuer implements AutoCloseable {

    static final String ISSUER = "https://issuer.test";
    static final String AUDIENCE = "herald-test";

    private final Map<String, KeyPair> keys = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<String> published = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    TokenIssuer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/jwks.json", ex -> {
            List<JWK> jwks = new ArrayList<>();
            for (String kid : published) {
                jwks.add(new RSAKey.Builder((RSAPublicKey) keys.get(kid).getPublic()).keyID(kid).build());
            }
            byte[] body = new JWKSet(jwks).toString(true).getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
    }

    String jwksUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json";
    }

    /** Makes key {@code kid}; the JWKS lists it only when {@code publish}. */
    KeyPair key(String kid, boolean publish) throws NoSuchAlgorithmException {
        KeyPair pair = keys.computeIfAbsent(kid, k -> {
            try {
                KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                g.initialize(2048);
                return g.generateKeyPair();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        });
        if (publish && !published.contains(kid)) {
            published.add(kid);
        }
        return pair;
    }

    /** Claims of a good token for {@code subject}: issuer, audience, an hour to live, and the channel patterns. */
    static JWTClaimsSet.Builder claims(String subject, List<String> pub, List<String> sub, long ttlSeconds) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().subject(subject).issuer(ISSUER).audience(AUDIENCE).issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(ttlSeconds))).claim("herald", Map.of("pub", pub, "sub", sub));
    }

    /** {@code claims} signed RS256 with key {@code kid}. */
    String sign(String kid, JWTClaimsSet claims) throws Exception {
        return sign(new RSASSASigner(key(kid, false).getPrivate()), JWSAlgorithm.RS256, kid, claims);
    }

    static String sign(JWSSigner signer, JWSAlgorithm alg, String kid, JWTClaimsSet claims) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).type(JOSEObjectType.JWT).keyID(kid).build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
