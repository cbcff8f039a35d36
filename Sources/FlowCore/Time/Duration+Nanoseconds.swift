extension Duration {
    /// The duration in whole nanoseconds, saturating at `Int64.min` and `Int64.max`.
    package var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        guard seconds < Int64.max / 1_000_000_000 else { return .max }
        guard seconds > Int64.min / 1_000_000_000 else { return .min }
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
