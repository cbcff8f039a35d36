/// A tag for a side output: a second stream an operator or process function emits records of
/// type `Element` to, beside its main output (Flink's `OutputTag`). The job routes each tag to
/// its own downstream stages (`stream.sideOutput(tag)`), with its own edges and metrics; a slow
/// consumer of a side output holds back the producing task, main output included, as any of its
/// edges does.
///
/// ```swift
/// let odd = SideOutput<Int>("odd")
/// let evens = numbers.process(SplitOdd(odd: odd))
/// evens.sideOutput(odd).map { "odd \($0)" }.sink(.print())
/// ```
/// A tag is identified by its `id` within its stage; the type is checked when the job is planned.
public struct SideOutput<Element: Sendable>: Hashable, Sendable, CustomStringConvertible {
    /// The tag's name, unique among the side outputs of one stage.
    public let id: String

    public init(_ id: String) { self.id = id }

    /// The tag with its record type erased, for declarations and plans.
    public var erased: AnySideOutput { AnySideOutput(self) }

    public var description: String { "SideOutput<\(Element.self)>(\(id))" }
}

/// A ``SideOutput`` tag with its record type erased: what a stage declares and a plan's edge
/// carries.
public struct AnySideOutput: Sendable, CustomStringConvertible {
    /// The tag's name.
    public let id: String
    /// The identity of its record type.
    public let elementTypeID: ObjectIdentifier
    /// Its record type's name, for errors and `explain()`.
    public let elementTypeName: String
    /// Opens the record type for code generic over it (the runtime builds a typed router).
    public let type: any SideOutputType

    public init<Element>(_ tag: SideOutput<Element>) {
        id = tag.id
        elementTypeID = ObjectIdentifier(Element.self)
        elementTypeName = String(describing: Element.self)
        type = _SideOutputType<Element>()
    }

    /// Whether `other` is the same tag: the same name and record type.
    public func matches(_ other: AnySideOutput) -> Bool {
        id == other.id && elementTypeID == other.elementTypeID
    }

    public var description: String { "SideOutput<\(elementTypeName)>(\(id))" }
}

/// The record type of a side output, as a type a generic function can be opened with.
public protocol SideOutputType: Sendable {
    /// The type of the side output's records.
    associatedtype Element: Sendable
}

/// The ``SideOutputType`` of records of type `Element`. Not API.
@usableFromInline
struct _SideOutputType<Element: Sendable>: SideOutputType {
    @usableFromInline init() {}
}

/// Where an operator instance appends the records of one side output; the task passes them on
/// after each call of the operator.
///
/// Obtain it once, in `open(context:)`, with ``OperatorContext/sideOutput(_:)``; appending is then
/// one append to its batch per record.
///
/// ## Concurrency
/// Confined to the task instance that owns it: the operator appends, the task takes, never at the
/// same time. `@unchecked Sendable` only so that a context holding it stays `Sendable`.
public final class SideOutputCollector<Element>: _PendingRecords, @unchecked Sendable {
    /// Records appended since the task last took them.
    @usableFromInline var batch = Batch<Element>()  // protected by the owning task (confinement)

    /// An empty collector (the runtime makes one per routed tag and task instance).
    public init() {}

    /// Appends `record` at `timestamp` to the side output.
    ///
    /// - Complexity: O(1) amortized.
    @inlinable
    public func append(_ record: Element, at timestamp: EventTime) {
        batch.append(record, at: timestamp)
    }

    /// Records appended and not yet taken. Not API.
    public var _pendingCount: Int { batch.count }

    /// Hands the records appended so far to `body` and keeps the emptied batch. Not API.
    @inlinable
    public func _take(_ body: (inout Batch<Element>) throws -> Void) rethrows {
        try body(&batch)
    }
}

/// The side-output collectors of one task instance, by tag: given to its operators through
/// ``OperatorContext/sideOutput(_:)``.
///
/// ## Concurrency
/// Filled while the task is built, read when its operators open, on the job's task; then only
/// read. `@unchecked Sendable` for the hand-over to the task's runner.
public final class SideOutputRegistry: @unchecked Sendable {
    private var collectors: [String: AnyObject] = [:]  // written while the task is built only

    public init() {}

    /// Registers `collector` for the tag named `id`. Not API.
    public func _register<Element>(_ collector: SideOutputCollector<Element>, id: String) {
        collectors[id] = collector
    }

    /// The collector of `tag`, if the task routes it.
    func collector<Element>(for tag: SideOutput<Element>) -> SideOutputCollector<Element>? {
        collectors[tag.id] as? SideOutputCollector<Element>
    }

    /// Whether a tag of that name is routed (whatever its type).
    func routes(_ id: String) -> Bool { collectors[id] != nil }

    /// The tags whose collectors hold records not yet taken, and how many. Not API.
    public func _unread() -> [(id: String, count: Int)] {
        collectors.compactMap { id, collector in
            let count = (collector as? any _PendingRecords)?._pendingCount ?? 0
            return count > 0 ? (id, count) : nil
        }.sorted { $0.id < $1.id }
    }
}

/// A collector that can say how many records it holds. Not API.
public protocol _PendingRecords: AnyObject {
    var _pendingCount: Int { get }
}

extension OperatorContext {
    /// The collector of side output `tag`, to append records to (obtain it in `open`).
    ///
    /// - Throws: ``FlowError`` (``FlowError/Code/invalidGraph``) if the stage did not declare the
    ///   tag (the planner routes only declared tags) or declared it with another record type.
    public func sideOutput<Element>(_ tag: SideOutput<Element>) throws -> SideOutputCollector<Element> {
        if let collector = sideOutputs.collector(for: tag) { return collector }
        let problem =
            sideOutputs.routes(tag.id)
            ? "was declared with another record type than \(Element.self)"
            : "is not declared by the stage (or no stage consumes it), so nothing routes its records"
        throw FlowError(.invalidGraph, "the side output '\(tag.id)' \(problem)", stageName: stageName, stageID: stageID, subtask: subtask)
    }
}
