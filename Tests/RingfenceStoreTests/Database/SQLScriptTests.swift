import Testing

@testable import RingfenceStore

@Suite("SQLScript")
struct SQLScriptTests {
    @Test("splits at top-level semicolons and drops empty statements")
    func splitsStatements() {
        let script = SQLScript("CREATE TABLE a (x int);\n\n;CREATE TABLE b (y int)  ;\n")
        #expect(script.statements == ["CREATE TABLE a (x int)", "CREATE TABLE b (y int)"])
    }

    @Test("semicolons inside strings, identifiers and comments do not split")
    func quotedSemicolons() {
        let script = SQLScript(
            """
            INSERT INTO t VALUES ('a;b', 'it''s;');
            SELECT "odd;name" FROM t; -- trailing; comment
            /* block; /* nested; */ still comment; */ SELECT 1;
            SELECT E'back\\'slash;';
            """)
        #expect(
            script.statements == [
                "INSERT INTO t VALUES ('a;b', 'it''s;')",
                "SELECT \"odd;name\" FROM t",
                "-- trailing; comment\n/* block; /* nested; */ still comment; */ SELECT 1",
                "SELECT E'back\\'slash;'",
            ])
    }

    @Test("dollar-quoted bodies keep their semicolons, positional parameters do not open one")
    func dollarQuotes() {
        let body = """
            CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $fn$
            BEGIN RETURN 1; END;
            $fn$;
            SELECT $$a;b$$, $1;
            """
        #expect(
            SQLScript(body).statements == [
                "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $fn$\nBEGIN RETURN 1; END;\n$fn$",
                "SELECT $$a;b$$, $1",
            ])
    }

    @Test("a script of comments only has no statements")
    func commentsOnly() {
        #expect(SQLScript("-- nothing here;\n/* nor ; here */\n").statements.isEmpty)
    }

    @Test("every shipped migration splits into complete statements: each one ends outside quotes, comments and bodies")
    func shippedMigrations() throws {
        for migration in try MigrationCatalog.bundled().migrations {
            let statements = SQLScript(migration.sql).statements
            #expect(!statements.isEmpty, "\(migration.name) has no statements")
            for statement in statements {
                // A statement that ended inside a quote, comment or dollar-quoted body would swallow
                // the semicolon added here and come back changed.
                #expect(
                    SQLScript(statement + ";\nSELECT 1;").statements == [statement, "SELECT 1"],
                    "\(migration.name): \(statement)")
            }
            #expect(SQLScript(statements.joined(separator: ";\n")).statements == statements, "\(migration.name)")
        }
    }
}
