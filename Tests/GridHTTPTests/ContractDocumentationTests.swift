import Foundation
import GridService
import Testing
import Yams

/// The contract documents itself for the people who read it, in their language: every operation
/// says in Chinese and English who may call it and what it does, names the 4xx it can answer and
/// shows an example of its JSON request body, and every example conforms to its schema. The
/// routes served beside the generated API and the webhook deliveries are documented too.
@Suite struct ContractDocumentationTests {
    static let methods = ["get", "put", "post", "patch", "delete"]

    static func yamlText() throws -> String {
        try String(contentsOf: ContractTests.repositoryRoot.appendingPathComponent("Sources/GridAPI/openapi.yaml"), encoding: .utf8)
    }

    static func document() throws -> [String: Any] {
        try #require(plain(try Yams.load(yaml: try yamlText()) as Any) as? [String: Any])
    }

    /// Yams' mappings as string-keyed dictionaries, all the way down.
    static func plain(_ value: Any) -> Any {
        switch value {
        case let map as [AnyHashable: Any]: Dictionary(uniqueKeysWithValues: map.map { ("\($0.key.base)", plain($0.value)) })
        case let list as [Any]: list.map(plain)
        default: value
        }
    }

    /// Every operation under `paths`, named by its method and path.
    static func operations(_ document: [String: Any]) -> [(name: String, operation: [String: Any])] {
        let paths = document["paths"] as? [String: Any] ?? [:]
        return paths.keys.sorted().flatMap { path in
            let item = paths[path] as? [String: Any] ?? [:]
            return methods.compactMap { method in (item[method] as? [String: Any]).map { ("\(method.uppercased()) \(path)", $0) } }
        }
    }

    static func hasChinese(_ text: String) -> Bool {
        text.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) || (0x3400...0x4DBF).contains($0.value) }
    }

    static func hasEnglish(_ text: String) -> Bool {
        text.split(whereSeparator: { !$0.isASCII || !$0.isLetter }).contains { $0.count >= 3 }
    }

    @Test func everyOperationIsDocumentedInBothLanguagesWithItsErrorsAndExamples() throws {
        let document = try Self.document()
        let operations = Self.operations(document)
        let declared = try Self.yamlText().split(separator: "\n").filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("operationId:") }.count
        #expect(operations.count == declared, "every operationId of openapi.yaml should be read as an operation")
        let responses = (document["components"] as? [String: Any])?["responses"] as? [String: Any] ?? [:]
        var problems: [String] = []
        for (name, operation) in operations {
            for field in ["summary", "description"] {
                let text = operation[field] as? String ?? ""
                if !Self.hasChinese(text) || !Self.hasEnglish(text) { problems.append("\(name): its \(field) should be in Chinese and English") }
            }
            let answers = operation["responses"] as? [String: Any] ?? [:]
            let errors = answers.keys.filter { $0.count == 3 && $0.hasPrefix("4") }
            if errors.isEmpty { problems.append("\(name): no 4xx response (name the ones its handler and service can answer)") }
            for status in errors.sorted() {
                let answer = answers[status] as? [String: Any] ?? [:]
                if let ref = answer["$ref"] as? String {
                    let component = String(ref.dropFirst("#/components/responses/".count))
                    if !ref.hasPrefix("#/components/responses/") || responses[component] == nil { problems.append("\(name) \(status): unknown \(ref)") }
                } else if answer["description"] == nil {
                    problems.append("\(name) \(status): no description")
                }
            }
            let content = (operation["requestBody"] as? [String: Any])?["content"] as? [String: Any] ?? [:]
            if let json = content["application/json"] as? [String: Any], json["example"] == nil, json["examples"] == nil {
                problems.append("\(name): its JSON request body has no example")
            }
        }
        #expect(problems.isEmpty, "openapi.yaml:\n\(problems.joined(separator: "\n"))")
    }

    @Test func examplesConformToTheirSchemas() throws {
        let document = try Self.document()
        let components = document["components"] as? [String: Any] ?? [:]
        let checker = SchemaChecker(components: components)
        var checked = 0
        var problems: [String] = []
        func check(_ media: [String: Any], at place: String) {
            guard let schema = media["schema"] as? [String: Any] else { return }
            var values: [(String, Any)] = media["example"].map { [("example", $0)] } ?? []
            for (key, entry) in (media["examples"] as? [String: Any] ?? [:]).sorted(by: { $0.key < $1.key }) {
                var entry = entry as? [String: Any] ?? [:]
                if let ref = entry["$ref"] as? String {
                    let named = (components["examples"] as? [String: Any])?[String(ref.dropFirst("#/components/examples/".count))]
                    guard let resolved = named as? [String: Any] else {
                        problems.append("\(place) examples.\(key): unknown \(ref)")
                        continue
                    }
                    entry = resolved
                }
                if let value = entry["value"] { values.append(("examples.\(key)", value)) }
            }
            for (name, value) in values {
                checked += 1
                problems += checker.problems(value, schema, at: "\(place) \(name)")
            }
        }
        func checkContent(_ holder: [String: Any]?, at place: String) {
            for (type, media) in holder?["content"] as? [String: Any] ?? [:] { check(media as? [String: Any] ?? [:], at: "\(place) \(type)") }
        }
        let webhooks = (document["webhooks"] as? [String: Any] ?? [:]).compactMap { name, item in
            ((item as? [String: Any])?["post"] as? [String: Any]).map { ("webhook \(name)", $0) }
        }
        for (name, operation) in Self.operations(document) + webhooks {
            checkContent(operation["requestBody"] as? [String: Any], at: "\(name) request")
            for (status, answer) in operation["responses"] as? [String: Any] ?? [:] {
                checkContent(answer as? [String: Any], at: "\(name) \(status)")
            }
        }
        for (name, answer) in components["responses"] as? [String: Any] ?? [:] {
            checkContent(answer as? [String: Any], at: "responses.\(name)")
        }
        for (name, schema) in components["schemas"] as? [String: Any] ?? [:] {
            if let schema = schema as? [String: Any], let example = schema["example"] {
                checked += 1
                problems += checker.problems(example, schema, at: "schemas.\(name) example")
            }
        }
        #expect(checked > 0, "no examples found")
        #expect(problems.isEmpty, "openapi.yaml's examples do not fit their schemas:\n\(problems.joined(separator: "\n"))")
    }

    /// Routes the application serves itself (not through the generated code) are not operations;
    /// the document's description lists each of them instead.
    @Test func theRoutesBesideTheGeneratedAPIAreDescribed() throws {
        let source = try String(
            contentsOf: ContractTests.repositoryRoot.appendingPathComponent("Sources/GridHTTP/Application.swift"), encoding: .utf8)
        let routes = source.matches(of: /router\.get\("([^"]+)"\)/).map { String($0.output.1) }
        #expect(routes.count >= 4, "the plain routes of buildRouter were not found")
        let document = try Self.document()
        let description = (document["info"] as? [String: Any])?["description"] as? String ?? ""
        for route in routes {
            #expect(description.contains("`GET \(route)`"), "info.description should describe GET \(route)")
        }
        let schemas = (document["components"] as? [String: Any])?["schemas"] as? [String: Any] ?? [:]
        #expect(schemas["Health"] != nil && schemas["Readiness"] != nil)
    }

    @Test func webhookDeliveriesAreDocumentedWithTheEventsTheServiceSends() throws {
        let document = try Self.document()
        let schemas = (document["components"] as? [String: Any])?["schemas"] as? [String: Any] ?? [:]
        let events = (schemas["WebhookEventType"] as? [String: Any])?["enum"] as? [String] ?? []
        #expect(events == GridService.webhookEventTypes, "WebhookEventType in openapi.yaml should list GridService.webhookEventTypes in order")
        let delivery = ((document["webhooks"] as? [String: Any])?["caseEvent"] as? [String: Any])?["post"] as? [String: Any] ?? [:]
        let headers = (delivery["parameters"] as? [Any] ?? []).compactMap { ($0 as? [String: Any])?["name"] as? String }
        #expect(Set(headers) == ["X-Gridgov-Event", "X-Gridgov-Delivery", "X-Gridgov-Signature"])
    }

    @Test func theCheckerCatchesWhatItShould() {
        let checker = SchemaChecker(components: [
            "schemas": ["Light": ["type": "string", "enum": ["green", "yellow", "red"]] as [String: Any]]
        ])
        let schema: [String: Any] = [
            "type": "object", "required": ["at", "light"],
            "properties": [
                "at": ["type": "string", "format": "date-time"], "light": ["$ref": "#/components/schemas/Light"],
                "count": ["type": "integer", "minimum": 0], "name": ["type": "string", "maxLength": 4],
            ] as [String: Any],
        ]
        #expect(checker.problems(["at": "2026-11-23T09:12:05+08:00", "light": "red", "count": 3], schema, at: "ok").isEmpty)
        let wrong = checker.problems(["at": "yesterday", "light": "blue", "count": -1, "name": "学院路街道", "extra": true], schema, at: "x")
        #expect(wrong.count == 5, "\(wrong)")
        #expect(checker.problems(["light": "red"], schema, at: "x") == ["x: at is required"])
    }
}

/// Checks a value against the parts of JSON Schema that openapi.yaml uses: `$ref`, `type`, `enum`,
/// `required`, `properties`, `additionalProperties`, `items`, lengths, bounds, `pattern` and the
/// `date-time` format. A property the schema does not declare is a mistake unless the schema
/// allows additional properties.
struct SchemaChecker {
    let components: [String: Any]

    func problems(_ value: Any, _ schema: [String: Any], at path: String) -> [String] {
        if let ref = schema["$ref"] as? String {
            let name = String(ref.dropFirst("#/components/schemas/".count))
            guard let target = (components["schemas"] as? [String: Any])?[name] as? [String: Any] else { return ["\(path): unknown \(ref)"] }
            return problems(value, target, at: path)
        }
        if let allowed = schema["enum"] as? [Any], !allowed.contains(where: { "\($0)" == "\(value)" }) {
            return ["\(path): '\(value)' is not one of \(allowed.map { "\($0)" })"]
        }
        switch schema["type"] as? String {
        case "object"?: return objectProblems(value, schema, at: path)
        case "array"?:
            guard let items = value as? [Any] else { return ["\(path): should be an array"] }
            var found: [String] = []
            if let most = schema["maxItems"] as? Int, items.count > most { found.append("\(path): more than \(most) items") }
            if let itemSchema = schema["items"] as? [String: Any] {
                for (i, item) in items.enumerated() { found += problems(item, itemSchema, at: "\(path)[\(i)]") }
            }
            return found
        case "string"?: return stringProblems(value, schema, at: path)
        case "integer"?:
            guard let number = value as? Int else { return ["\(path): should be an integer"] }
            return boundProblems(Double(number), schema, at: path)
        case "number"?:
            guard let number = (value as? Double) ?? (value as? Int).map(Double.init) else { return ["\(path): should be a number"] }
            return boundProblems(number, schema, at: path)
        case "boolean"?: return value is Bool ? [] : ["\(path): should be a boolean"]
        default: return []
        }
    }

    func objectProblems(_ value: Any, _ schema: [String: Any], at path: String) -> [String] {
        guard let object = value as? [String: Any] else { return ["\(path): should be an object"] }
        var found = (schema["required"] as? [String] ?? []).filter { object[$0] == nil }.map { "\(path): \($0) is required" }
        let properties = schema["properties"] as? [String: Any] ?? [:]
        let open = schema["additionalProperties"] as? Bool == true || (schema["additionalProperties"] is [String: Any]) || properties.isEmpty
        for key in object.keys.sorted() {
            if let property = properties[key] as? [String: Any] {
                found += problems(object[key]!, property, at: "\(path).\(key)")
            } else if !open {
                found.append("\(path): \(key) is not a property of the schema")
            }
        }
        return found
    }

    func stringProblems(_ value: Any, _ schema: [String: Any], at path: String) -> [String] {
        guard let text = value as? String else { return ["\(path): should be a string"] }
        var found: [String] = []
        if let most = schema["maxLength"] as? Int, text.count > most { found.append("\(path): longer than \(most) characters") }
        if schema["format"] as? String == "date-time", ISO8601DateFormatter().date(from: text) == nil {
            found.append("\(path): '\(text)' is not an RFC 3339 date-time")
        }
        if let pattern = schema["pattern"] as? String, text.range(of: pattern, options: .regularExpression) == nil {
            found.append("\(path): '\(text)' does not match \(pattern)")
        }
        return found
    }

    func boundProblems(_ number: Double, _ schema: [String: Any], at path: String) -> [String] {
        var found: [String] = []
        if let least = (schema["minimum"] as? Int).map(Double.init) ?? schema["minimum"] as? Double, number < least {
            found.append("\(path): below \(least)")
        }
        if let most = (schema["maximum"] as? Int).map(Double.init) ?? schema["maximum"] as? Double, number > most {
            found.append("\(path): above \(most)")
        }
        return found
    }
}
