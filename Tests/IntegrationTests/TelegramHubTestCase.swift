import TestSupport
import XCTest

/// A hub test with the fake Bot API (``FakeTelegram``) running for each test and stopped after it.
class TelegramHubTestCase: StaffTestCase {
    var telegram: FakeTelegram!

    override func setUp() async throws {
        try await super.setUp()
        telegram = try await FakeTelegram.start()
    }

    override func tearDown() async throws {
        await telegram?.server.stop()
        try await super.tearDown()
    }
}
