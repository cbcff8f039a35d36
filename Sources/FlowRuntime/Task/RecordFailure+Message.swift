import FlowCore

extension RecordFailure {
    /// What went wrong, for the message of the ``FlowError`` this failure becomes: what failed in
    /// a stage of `kind` ("Map", "Reduce"), on record #`position` of `input` ("of its input",
    /// "made by the source 'lines' (fused with it)"). Neither the record nor the underlying error
    /// is repeated: the error carries both and its description shows each once.
    func summary(kind: String, position: Int64, input: String) -> String {
        switch origin {
        case .function:
            "\(kind) function threw on record #\(position) \(input)"
        case .keySelector:
            "the key selector of \(kind) threw on record #\(position) \(input)"
        case .key:
            "the key of record #\(position) \(input) is unusable for \(kind)'s keyed state: "
                + "drop such records, or map their keys to values equal to themselves, before KeyBy"
        }
    }
}
