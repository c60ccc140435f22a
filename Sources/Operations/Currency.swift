/// An ISO 4217 currency with its minor units (digits after the point): RUB 2, JPY 0, KWD 3.
public struct Currency: Sendable, Hashable, CustomStringConvertible {
    public let code: String
    public let minorUnits: Int

    /// The active code, upper case; nil when ISO 4217 has no such active currency.
    public init?(code: String) {
        guard let units = Self.table[code] else { return nil }
        self.code = code
        self.minorUnits = units
    }

    public var description: String { code }

    public static let rub = Currency(code: "RUB")!

    /// ISO 4217 active codes (list one, 2024) with their minor units; funds codes and precious metals
    /// without minor units (XAU, XDR …) are left out: nobody tops a shop up in them.
    static let table: [String: Int] = {
        var table: [String: Int] = [:]
        let twoDigits = """
        AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF CNY COP CRC CUP
        CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR
        KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN
        PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD
        TZS UAH USD UYU UZS VES WST XCD YER ZAR ZMW ZWL
        """
        for code in twoDigits.split(whereSeparator: { $0 == " " || $0 == "\n" }) { table[String(code)] = 2 }
        for code in ["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"] {
            table[code] = 0
        }
        for code in ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"] { table[code] = 3 }
        for code in ["CLF", "UYW"] { table[code] = 4 }
        return table
    }()

    /// Every known code, sorted (the page's currency list).
    public static var allCodes: [String] { table.keys.sorted() }
}
