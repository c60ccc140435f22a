/// What a new password must be (NIST SP 800-63B and OWASP's advice: length and a block list, no
/// composition rules):
/// - at least `minimumLength` characters (default 12) and at most 72 bytes in UTF-8, checked after
///   NFKC normalisation. 72 is bcrypt's limit: it ignores every byte after the 72nd. Such passwords are
///   refused rather than pre-hashed, because pre-hashing with a fast hash brings its own traps
///   (NUL bytes in the digest, "password shucking" with leaked unsalted hashes; OWASP's cheat sheet);
/// - no control characters;
/// - not one of the ~5,000 most common passwords, nor one of them with digits or symbols added
///   around it, repeated (`qwertyqwerty`) or in simple leetspeak (`p@ssw0rd`);
/// - not a run of the same or consecutive characters (`aaaaaaaaaaaa`, `abcdefghijkl`);
/// - not containing the e-mail's local part or a part of it of 4 characters or more (`john.smith` →
///   `john`, `smith`), nor the first label of the e-mail's domain.
public struct PasswordPolicy: Sendable {
    public static let defaultMinimumLength = 12
    /// bcrypt's input limit.
    public static let maximumBytes = 72

    public let minimumLength: Int

    /// `minimumLength` is raised to 8 if lower (NIST's floor for memorised secrets).
    public init(minimumLength: Int = PasswordPolicy.defaultMinimumLength) {
        self.minimumLength = max(8, minimumLength)
    }

    /// Throws the first rule `password` breaks.
    public func check(_ password: String, email: String? = nil) throws(PasswordPolicyViolation) {
        let text = PasswordText.normalized(password)
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw .controlCharacters
        }
        guard text.count >= minimumLength else { throw .tooShort(minimum: minimumLength) }
        guard text.utf8.count <= Self.maximumBytes else { throw .tooLong(maximumBytes: Self.maximumBytes) }
        let lowered = text.lowercased()
        if Self.isRepetitiveOrSequential(lowered) { throw .tooSimple }
        if Self.isCommon(lowered) { throw .tooCommon }
        if let email, Self.containsEmailPart(lowered, email: email.lowercased()) { throw .containsEmail }
    }

    // MARK: Rules

    static func isCommon(_ lowered: String) -> Bool {
        var candidates: Set<String> = []
        for form in [lowered, unLeet(lowered)] {
            let core = String(form.drop(while: isPadding).reversed().drop(while: isPadding).reversed())
            let trailingTrimmed = String(form.reversed().drop(while: isPadding).reversed())
            let leadingTrimmed = String(form.drop(while: isPadding))
            for candidate in [form, core, trailingTrimmed, leadingTrimmed] {
                candidates.insert(candidate)
                if let unit = repeatedUnit(candidate) { candidates.insert(unit) }
            }
        }
        return candidates.contains { !$0.isEmpty && CommonPasswords.all.contains(Substring($0)) }
    }

    /// Digits and symbols people add around a word to pass composition rules.
    private static func isPadding(_ c: Character) -> Bool {
        c.isNumber || (c.isASCII && (c.isPunctuation || c.isSymbol))
    }

    /// The common letter-for-symbol swaps, undone.
    private static func unLeet(_ text: String) -> String {
        let swaps: [Character: Character] = ["@": "a", "4": "a", "0": "o", "1": "i", "!": "i", "3": "e",
                                             "5": "s", "$": "s", "7": "t", "+": "t", "9": "g"]
        return String(text.map { swaps[$0] ?? $0 })
    }

    /// `abcabcabc` → `abc`; nil when the text is not a whole repetition of a shorter unit.
    private static func repeatedUnit(_ text: String) -> String? {
        let characters = Array(text)
        let count = characters.count
        guard count >= 2 else { return nil }
        for length in 1...(count / 2) where count % length == 0 {
            let unit = characters[0..<length]
            if stride(from: length, to: count, by: length).allSatisfy({ characters[$0..<($0 + length)] == unit }) {
                return String(unit)
            }
        }
        return nil
    }

    /// Fewer than 5 distinct characters, or steps of -1, 0 or +1 between neighbours with at most two
    /// exceptions (`123456789012`, `abcdefghijkl`, `zyxwvutsrqpo`).
    static func isRepetitiveOrSequential(_ lowered: String) -> Bool {
        if Set(lowered).count < 5 { return true }
        let scalars = lowered.unicodeScalars.map { Int($0.value) }
        var breaks = 0
        for index in scalars.indices.dropFirst() where abs(scalars[index] - scalars[index - 1]) > 1 {
            breaks += 1
        }
        return breaks <= 2
    }

    static func containsEmailPart(_ lowered: String, email: String) -> Bool {
        let parts = email.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        let local = parts.first.map(String.init) ?? email
        var pieces: [String] = []
        if local.count >= 3 { pieces.append(local) }
        pieces += local.split(whereSeparator: { ".-_+".contains($0) }).map(String.init).filter { $0.count >= 4 }
        if parts.count == 2, let label = parts[1].split(separator: ".").first, label.count >= 4 {
            pieces.append(String(label))
        }
        return pieces.contains { lowered.contains($0) }
    }
}
