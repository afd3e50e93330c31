#include "harness/client/exec_client.h"

#include <algorithm>
#include <cctype>

#include "sys/process.h"

namespace kuscia::harness {
namespace {

nlohmann::json PathOrNull(const std::optional<std::filesystem::path>& p) {
  return p ? nlohmann::json(p->string()) : nlohmann::json(nullptr);
}

}  // namespace

std::string ExecClient::name() const {
  std::string joined;
  for (const std::string& arg : argv_) joined += (joined.empty() ? "" : " ") + arg;
  return "exec:" + joined;
}

Result<nlohmann::json> ExecRequestJson(const ClientRequest& request) {
  KC_ASSIGN_OR_RETURN(std::optional<std::string> token, request.identity.TokenValue());
  nlohmann::json headers = nlohmann::json::object();
  for (const auto& [name, value] : request.headers) headers[name] = value;
  nlohmann::json doc = nlohmann::json{
      {"version", 1},
      {"url", request.base_url + request.path},
      {"base_url", request.base_url},
      {"method", request.method},
      {"path", request.path},
      {"headers", headers},
      {"body", request.body ? nlohmann::json(*request.body) : nlohmann::json(nullptr)},
      {"ca_cert", PathOrNull(request.identity.ca_cert)},
      {"client_cert", PathOrNull(request.identity.client_cert)},
      {"client_key", PathOrNull(request.identity.client_key)},
      {"token", token ? nlohmann::json(*token) : nlohmann::json(nullptr)},
      {"verify_server", request.identity.verify_server},
      {"timeout_ms", request.timeout.count()},
  };
  // Only a stream read carries the key, so the document of an ordinary call is unchanged.
  if (request.stream) {
    doc["stream"] = {{"max_events", request.stream->max_events}, {"max_time_ms", request.stream->max_time.count()}};
  }
  return doc;
}

Result<Outcome> ParseExecOutcome(const std::string& stdout_text) {
  nlohmann::json doc = nlohmann::json::parse(stdout_text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) {
    return InvalidArgument("the adapter must print one JSON object on stdout (docs/clients.md); got: " +
                           stdout_text.substr(0, 200));
  }
  Outcome outcome;
  auto transport = doc.find("transport");
  if (transport == doc.end() || !transport->is_string()) {
    return InvalidArgument("adapter outcome: \"transport\" (string) is required");
  }
  KC_ASSIGN_OR_RETURN(outcome.transport, ParseTransportClass(transport->get<std::string>()));
  if (auto s = doc.find("http_status"); s != doc.end() && !s->is_null()) {
    if (!s->is_number_integer()) return InvalidArgument("adapter outcome: \"http_status\" must be an integer");
    outcome.http_status = s->get<int>();
  }
  if (outcome.transport == TransportClass::kOk && outcome.http_status == 0) {
    return InvalidArgument("adapter outcome: transport \"ok\" needs \"http_status\" (the response's status code)");
  }
  if (auto b = doc.find("body"); b != doc.end() && !b->is_null()) {
    if (!b->is_string()) return InvalidArgument("adapter outcome: \"body\" must be a string (the raw response body)");
    outcome.body = b->get<std::string>();
  }
  if (auto h = doc.find("headers"); h != doc.end() && !h->is_null()) {
    if (!h->is_object()) return InvalidArgument("adapter outcome: \"headers\" must be an object of strings");
    for (const auto& [name, value] : h->items()) {
      if (!value.is_string()) return InvalidArgument("adapter outcome: header \"" + name + "\" must be a string");
      std::string lower = name;
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
      outcome.headers.emplace_back(lower, value.get<std::string>());
    }
  }
  if (auto d = doc.find("detail"); d != doc.end() && d->is_string()) outcome.detail = d->get<std::string>();
  if (auto e = doc.find("stream_end"); e != doc.end() && !e->is_null()) {
    if (!e->is_string()) return InvalidArgument("adapter outcome: \"stream_end\" must be a string");
    KC_ASSIGN_OR_RETURN(StreamEnd end, ParseStreamEnd(e->get<std::string>()));
    outcome.stream = StreamOutcome{.end = end};
  }
  outcome.api_code = ExtractApiCode(outcome.body);
  return outcome;
}

Result<Outcome> ExecClient::Send(const ClientRequest& request) {
  if (request.stream) KC_RETURN_IF_ERROR(ValidateStreamRead(*request.stream));
  Result<nlohmann::json> input = ExecRequestJson(request);
  if (!input.ok()) {
    Outcome outcome;
    outcome.transport = TransportClass::kClientConfigError;
    outcome.detail = input.status().message();
    if (request.stream) FinishStreamOutcome(*request.stream, StreamEnd::kError, outcome);
    return outcome;
  }
  sys::ProcessOptions options;
  // A stream read is bounded by its max_time instead of the step's timeout (docs/clients.md).
  options.timeout = (request.stream ? request.stream->max_time : request.timeout) + std::chrono::seconds(5);
  options.stdin_data = input->dump();
  KC_ASSIGN_OR_RETURN(sys::ProcessResult run, sys::RunProcess(argv_, options));
  if (run.timed_out) {
    Outcome outcome;
    outcome.transport = TransportClass::kTimeout;
    outcome.elapsed = run.elapsed;
    outcome.detail = request.stream ? "the adapter did not finish within the stream's max_time + 5 s and was killed"
                                    : "the adapter did not finish within the step timeout + 5 s and was killed";
    if (request.stream) FinishStreamOutcome(*request.stream, StreamEnd::kError, outcome);
    return outcome;
  }
  if (run.exit_code != 0) {
    return Internal(name() + " exited with " + std::to_string(run.exit_code) +
                    " (an adapter reports failures in its JSON and exits 0; docs/clients.md): " +
                    run.stderr_text.substr(0, 500));
  }
  Result<Outcome> outcome = ParseExecOutcome(run.stdout_text);
  if (!outcome.ok()) return outcome.status().WithContext(name());
  outcome->elapsed = run.elapsed;
  if (request.stream) {
    // An adapter that leaves stream_end out gets the end its transport implies; a transport failure
    // always makes it "error" (FinishStreamOutcome).
    StreamEnd end = outcome->stream ? outcome->stream->end : StreamEnd::kServerClosed;
    if (end == StreamEnd::kError && outcome->transport == TransportClass::kOk) {
      return InvalidArgument(name() + ": adapter outcome: \"stream_end\": \"error\" needs a transport class "
                             "other than \"ok\" (docs/clients.md)");
    }
    FinishStreamOutcome(*request.stream, end, *outcome);
  } else {
    outcome->stream.reset();  // an adapter's stream_end means nothing for an ordinary call
  }
  return outcome;
}

}  // namespace kuscia::harness
