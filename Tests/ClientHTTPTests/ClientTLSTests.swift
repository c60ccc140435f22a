import ClientHTTP
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import TestSupport
import XCTest

/// Mutual TLS per request (`HTTPRequest.tls`, used for CORE): a throw-away CA signs a server and a
/// client certificate; a Python TLS server demands the client certificate.
final class ClientTLSTests: XCTestCase {
    func openssl(_ arguments: [String], in directory: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "openssl \(arguments.joined(separator: " "))")
    }

    func testAClientCertificateIsPresentedAndTheServerIsCheckedAgainstTheGivenCA() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") else { throw XCTSkip("openssl is not installed") }
        let python = ["/usr/bin/python3", packageRoot() + "/.venv/bin/python"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let python else { throw XCTSkip("no python3") }
        let directory = try TemporaryDirectory(prefix: "mtls")
        defer { directory.remove() }
        let dir = directory.path
        try openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "1", "-subj", "/CN=test-ca"], in: dir)
        for name in ["server", "client"] {
            try openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(name).key", "-out", "\(name).csr", "-subj", "/CN=\(name)"], in: dir)
            try "subjectAltName=IP:127.0.0.1\n".write(toFile: "\(dir)/\(name).ext", atomically: true, encoding: .utf8)
            try openssl(["x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "\(name).pem",
                         "-days", "1", "-extfile", "\(name).ext"], in: dir)
        }
        let port = freeLocalPort()
        let script = """
        import http.server, ssl
        class H(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                cn = dict(x[0] for x in self.connection.getpeercert()['subject'])['commonName']
                body = ('hello ' + cn).encode()
                self.send_response(200); self.send_header('Content-Length', str(len(body))); self.end_headers(); self.wfile.write(body)
            def log_message(self, *a): pass
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain('\(dir)/server.pem', '\(dir)/server.key')
        context.load_verify_locations('\(dir)/ca.pem')
        context.verify_mode = ssl.CERT_REQUIRED
        server = http.server.HTTPServer(('127.0.0.1', \(port)), H)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        server.serve_forever()
        """
        let server = Process()
        server.executableURL = URL(fileURLWithPath: python)
        server.arguments = ["-c", script]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        // SIGKILL: the test runner ignores SIGTERM and its children inherit that, so terminate() would not end it.
        defer {
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
        }

        let client = try HTTPClient()
        defer { client.shutdown() }
        var request = HTTPRequest(url: "https://127.0.0.1:\(port)/", timeout: .seconds(5))
        request.tls = .init(certificatePath: "\(dir)/client.pem", keyPath: "\(dir)/client.key", caPath: "\(dir)/ca.pem")
        var answer: HTTPResponse?
        for _ in 0..<50 where answer == nil {
            answer = try? await client.execute(request)
            if answer == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        XCTAssertEqual(answer?.status, 200)
        XCTAssertEqual(answer?.bodyText, "hello client")

        var withoutCertificate = request
        withoutCertificate.tls = .init(caPath: "\(dir)/ca.pem")
        await XCTAssertThrowsErrorAsync(try await client.execute(withoutCertificate), "the server demands a client certificate")
        var withoutCA = request
        withoutCA.tls = .init(certificatePath: "\(dir)/client.pem", keyPath: "\(dir)/client.key")
        do {
            _ = try await client.execute(withoutCA)
            XCTFail("a server certificate from an unknown CA must be refused")
        } catch {
            XCTAssertEqual(error.kind, .tls, "\(error)")
        }
    }

    func XCTAssertThrowsErrorAsync<T>(_ expression: @autoclosure () async throws -> T, _ message: String) async {
        do {
            _ = try await expression()
            XCTFail(message)
        } catch {}
    }
}
