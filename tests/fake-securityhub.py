#!/usr/bin/python3
"""A stand-in for AWS Security Hub's BatchImportFindings, for tests only.

    tests/fake-securityhub.py --log FILE --port-file FILE [--idle-timeout SECONDS]

Serves on 127.0.0.1 (a free port, written to --port-file) the one call that
`aws securityhub batch-import-findings` makes: POST /findings/import with a
JSON body {"Findings": [...]} (REST-JSON, signed with SigV4).  Like the real
service it refuses more than 100 findings in one request (400
InvalidInputException), and it refuses a finding that lacks a required
member or whose AwsAccountId differs from the others of the request (the
caller's account must be the findings' account) or whose ProductArn names
another region than the request's (FailedFindings).  Every request is
appended to --log as one JSON line: {"region", "count", "findings",
"failed"}; the test reads that to see what arrived.  Nothing is checked
about the signature: the credentials are throwaway.
"""
import argparse
import http.server
import json
import os
import re
import sys
import time

# AwsSecurityFinding's required members (botocore's securityhub model).
REQUIRED = ["SchemaVersion", "Id", "ProductArn", "GeneratorId", "AwsAccountId", "CreatedAt",
            "UpdatedAt", "Title", "Description", "Resources"]
MAX_FINDINGS = 100


def problems(finding, region, account):
    """Why the service would fail FINDING, or []."""
    bad = ["missing %s" % k for k in REQUIRED if k not in finding]
    if finding.get("SchemaVersion", "2018-10-08") != "2018-10-08":
        bad.append("SchemaVersion")
    if finding.get("AwsAccountId") != account:
        bad.append("AwsAccountId is not the account of the request")
    m = re.match(r"^arn:[a-z-]+:securityhub:([a-z0-9-]+):([0-9]{12}):product/\2/default$",
                 finding.get("ProductArn", ""))
    if not m or m.group(1) != region or m.group(2) != finding.get("AwsAccountId"):
        bad.append("ProductArn is not the default product of the account in %s" % region)
    for r in finding.get("Resources", []):
        if "Type" not in r or "Id" not in r:
            bad.append("a resource without Type or Id")
    return bad


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 10  # a client that keeps its connection open and idle is dropped

    def log_message(self, *args):
        pass

    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if status >= 400:
            self.send_header("x-amzn-ErrorType", body["__type"])
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        self.server.touch()
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path != "/findings/import":
            return self.reply(404, {"__type": "ResourceNotFoundException", "message": self.path})
        m = re.search(r"Credential=[^/]+/[0-9]+/([a-z0-9-]+)/securityhub/",
                      self.headers.get("Authorization", ""))
        region = m.group(1) if m else None
        try:
            findings = json.loads(body)["Findings"]
        except (ValueError, KeyError, TypeError):
            return self.reply(400, {"__type": "InvalidInputException", "message": "no Findings"})
        entry = {"region": region, "count": len(findings), "findings": findings, "failed": []}
        if len(findings) > MAX_FINDINGS:
            entry["refused"] = "more than %d findings" % MAX_FINDINGS
            self.record(entry)
            return self.reply(400, {"__type": "InvalidInputException",
                                    "message": "Findings: at most %d per request" % MAX_FINDINGS})
        account = findings[0].get("AwsAccountId") if findings else None
        for f in findings:
            bad = problems(f, region, account)
            if bad:
                entry["failed"].append({"Id": f.get("Id", ""), "ErrorCode": "InvalidInput",
                                        "ErrorMessage": "; ".join(bad)})
        self.record(entry)
        self.reply(200, {"FailedCount": len(entry["failed"]),
                         "SuccessCount": len(findings) - len(entry["failed"]),
                         "FailedFindings": entry["failed"]})

    def record(self, entry):
        self.server.log.write(json.dumps(entry, sort_keys=True) + "\n")
        self.server.log.flush()


class Server(http.server.HTTPServer):
    allow_reuse_address = False

    def __init__(self, log):
        super().__init__(("127.0.0.1", 0), Handler)
        self.log = log
        self.last = time.monotonic()

    def touch(self):
        self.last = time.monotonic()


def main(argv):
    ap = argparse.ArgumentParser(description="Local stand-in for Security Hub BatchImportFindings.")
    ap.add_argument("--log", required=True, help="JSON-lines request log (appended)")
    ap.add_argument("--port-file", required=True, help="file to receive the port number")
    ap.add_argument("--idle-timeout", type=float, default=60.0, metavar="SECONDS")
    args = ap.parse_args(argv)

    log = open(args.log, "a", encoding="utf-8")
    server = Server(log)
    tmp = "%s.tmp.%d" % (args.port_file, os.getpid())
    with open(tmp, "w", encoding="ascii") as f:
        f.write("%d\n" % server.server_address[1])
    os.replace(tmp, args.port_file)
    # the CLI calls one at a time: one request after the other is enough
    server.timeout = 0.2
    while time.monotonic() - server.last <= args.idle_timeout:
        server.handle_request()
    server.server_close()
    log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
