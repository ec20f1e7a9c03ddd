// SalesforceEmulator: one handler for every path, routing by hand so that unknown paths and
// methods get Salesforce's answers; all state sits under one mutex. The Pub/Sub half of the class
// is in emulator_pubsub.cc.
#include "salesforce_emulator/emulator.h"

#include <fmt/format.h>
#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <chrono>
#include <future>

#include "salesforce_emulator/jwt_verifier.h"
#include "salesforce_emulator/pubsub_server.h"

namespace sfpe::testing {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// salesforce-api.md §2.5: the content type of every REST response.
constexpr const char* kSalesforceContentType = "application/json;charset=UTF-8";
constexpr const char* kControlPrefix = "/__emulator/";
// §4.2, RFC 7523 §2.1.
constexpr const char* kJwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";

// The generic REST error array (§2.4) with one entry.
json error_array(const std::string& code, const std::string& message) {
  return json::array({ApiError{code, message, std::nullopt}.top_level()});
}

json not_found_body() { return error_array("NOT_FOUND", "The requested resource does not exist"); }

// §4.1: OAuth errors are HTTP 400 {"error","error_description"}.
json oauth_error(const std::string& error, const std::string& description) {
  return {{"error", error}, {"error_description", description}};
}

// The body Salesforce sends with an injected failure status. Only 401 and 403 have bodies known
// from the reference (§2.4); the 500 and 503 texts are plausible but unverified.
json fault_body(int status) {
  switch (status) {
    case 401:
      return error_array("INVALID_SESSION_ID", "Session expired or invalid");
    case 403:
      return error_array("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.");
    case 404:
      return not_found_body();
    case 503:
      return error_array("SERVER_UNAVAILABLE",
                         "The server is temporarily unavailable. Please try again later.");
    default:
      return error_array("UNKNOWN_EXCEPTION",
                         "An unexpected error occurred. Please include this ErrorId if you "
                         "contact support: 1064713493-47093 (-1282216932)");
  }
}

// "Summer '24" for 61.0: three releases a year, starting with Summer '14 = 31.0 (§2.5).
std::string release_label(int version) {
  static constexpr const char* kSeasons[] = {"Summer", "Winter", "Spring"};
  int steps = version - kOldestApiVersion;
  int season = steps % 3;
  int year = 14 + steps / 3 + (season == 0 ? 0 : 1);
  return fmt::format("{} '{:02d}", kSeasons[season], year);
}

std::string base64_encode(const unsigned char* data, size_t size) {
  std::string out(4 * ((size + 2) / 3), '\0');
  int written =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<size_t>(written));
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  std::string out(3 * text.size() / 4, '\0');
  int written = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (written < 0) return std::nullopt;
  out.resize(static_cast<size_t>(written));
  while (text.ends_with('=')) {  // EVP_DecodeBlock counts padding as zero bytes
    text.remove_suffix(1);
    out.pop_back();
  }
  return out;
}

// §4.1: believed to be Base64(HMAC-SHA256(key = client_secret, data = id + issued_at))
// (unverified; clients do not check it).
std::string token_signature(const std::string& secret, const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &length);
  return base64_encode(digest, length);
}

// Remembers where nlohmann's parser gave up; every other SAX event is accepted and dropped.
struct SyntaxErrorFinder : nlohmann::json_sax<ordered_json> {
  size_t position = 0;  // characters read when the parse failed
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t at, const std::string&,
                   const nlohmann::detail::exception&) override {
    position = at;
    return false;
  }
};

// A Jackson-like message for a body that is not JSON (§2.4 "400 bad JSON"): Jackson's wording
// varies with the case; this keeps its shape and points, 1-based, at the character where the
// parse stopped (the end of the offending token; Jackson may point at its start: unverified).
std::string json_syntax_message(const std::string& body) {
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) {
    return "No content to map due to end-of-input";
  }
  SyntaxErrorFinder finder;
  ordered_json::sax_parse(body, &finder, nlohmann::detail::input_format_t::json, true, false);
  size_t offset = finder.position == 0 ? 0 : finder.position - 1;
  if (offset >= body.size()) return "Unexpected end-of-input";
  size_t line_start = body.rfind('\n', offset);
  line_start = line_start == std::string::npos ? 0 : line_start + 1;
  auto line = 1 + std::count(body.begin(), body.begin() + static_cast<long>(offset), '\n');
  unsigned char c = static_cast<unsigned char>(body[offset]);
  return fmt::format("Unexpected character ('{}' (code {})) at [line:{}, column:{}]",
                     static_cast<char>(c), c, line, offset - line_start + 1);
}

// Parses a publish body; a top-level JSON_PARSER_ERROR when it is not JSON.
std::optional<ordered_json> parse_body(const std::string& body, ApiError* error) {
  ordered_json parsed = ordered_json::parse(body, nullptr, false);
  if (!parsed.is_discarded()) return parsed;
  *error = ApiError{"JSON_PARSER_ERROR", json_syntax_message(body), std::nullopt};
  return std::nullopt;
}

json to_json(const RecordedEvent& event) {
  return {{"event", event.event},
          {"fields", event.fields},
          {"id", event.id},
          {"uuid", event.uuid},
          {"accepted_at_us", event.accepted_at_us}};
}

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> segments;
  size_t start = 0;
  while (start < path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) segments.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return segments;
}

}  // namespace

int64_t wall_clock_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

json faults_to_json(const Faults& faults) {
  return {{"latency_ms", faults.latency_ms},
          {"fail_next", faults.fail_next},
          {"fail_status", faults.fail_status},
          {"drop_next", faults.drop_next},
          {"expire_token_every", faults.expire_token_every},
          {"limit_exceeded_next", faults.limit_exceeded_next},
          {"pubsub_unavailable_next", faults.pubsub_unavailable_next},
          {"pubsub_event_errors_next", faults.pubsub_event_errors_next},
          {"pubsub_publishing_unavailable_next", faults.pubsub_publishing_unavailable_next},
          {"pubsub_unknown_result_id_next", faults.pubsub_unknown_result_id_next},
          {"pubsub_drop_stream_next", faults.pubsub_drop_stream_next},
          {"pubsub_unauthenticated_next", faults.pubsub_unauthenticated_next}};
}

Result<Faults> faults_from_json(const json& object) {
  if (!object.is_object()) return Error::permanent("EMULATOR_FAULTS", "faults must be an object");
  Faults faults;
  const std::map<std::string, int*> keys = {
      {"latency_ms", &faults.latency_ms},
      {"fail_next", &faults.fail_next},
      {"fail_status", &faults.fail_status},
      {"drop_next", &faults.drop_next},
      {"expire_token_every", &faults.expire_token_every},
      {"limit_exceeded_next", &faults.limit_exceeded_next},
      {"pubsub_unavailable_next", &faults.pubsub_unavailable_next},
      {"pubsub_event_errors_next", &faults.pubsub_event_errors_next},
      {"pubsub_publishing_unavailable_next", &faults.pubsub_publishing_unavailable_next},
      {"pubsub_unknown_result_id_next", &faults.pubsub_unknown_result_id_next},
      {"pubsub_drop_stream_next", &faults.pubsub_drop_stream_next},
      {"pubsub_unauthenticated_next", &faults.pubsub_unauthenticated_next}};
  for (const auto& [key, value] : object.items()) {
    auto target = keys.find(key);
    if (target == keys.end()) {
      return Error::permanent("EMULATOR_FAULTS", "unknown fault " + key);
    }
    if (!value.is_number_integer() || value.get<long>() < 0) {
      return Error::permanent("EMULATOR_FAULTS",
                              "fault " + key + " must be a non-negative integer");
    }
    *target->second = value.get<int>();
  }
  return faults;
}

void SalesforceEmulator::start_new_hour() {
  std::lock_guard<std::mutex> lock(mutex_);
  hour_published_ = 0;
}

void SalesforceEmulator::set_event_definitions(std::vector<EventDef> events) {
  auto defs = std::make_shared<const std::vector<EventDef>>(std::move(events));
  std::lock_guard<std::mutex> lock(mutex_);
  event_defs_ = std::move(defs);
}

std::shared_ptr<const std::vector<EventDef>> SalesforceEmulator::event_defs() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return event_defs_;
}

SalesforceEmulator::SalesforceEmulator(EmulatorConfig config)
    : config_(std::move(config)),
      latest_version_(parse_api_version(config_.latest_version).value_or(kOldestApiVersion)),
      random_(std::random_device{}()) {
  event_defs_ = std::make_shared<const std::vector<EventDef>>(config_.events);
  for (const char* kind :
       {"token", "versions", "describe", "limits", "sobject", "collections", "pubsub_get_topic",
        "pubsub_get_schema", "pubsub_publish", "pubsub_streams", "pubsub_stream_requests"}) {
    requests_[kind] = 0;
  }
}

SalesforceEmulator::~SalesforceEmulator() { stop(); }

Status SalesforceEmulator::start(const std::string& host, int port) {
  if (server_) return Error::fatal("EMULATOR", "the Salesforce emulator is already started");
  server_ = std::make_unique<httplib::Server>();
  stopping_ = std::make_unique<StopSignal>();
  // listen_after_bind() creates its task queue right after it starts accepting: the one moment
  // httplib 0.11 lets us observe, so start() returns only when stop() can end the loop. Several
  // sink tasks publish at once and each keeps a connection alive: give them threads to spare.
  auto running = std::make_shared<std::promise<void>>();
  server_->new_task_queue = [running] {
    running->set_value();
    return new httplib::ThreadPool(32);
  };
  server_->set_keep_alive_max_count(1000);
  // httplib writes a response's headers and body separately: without TCP_NODELAY the body waits
  // (Nagle) for the client's delayed ACK of the headers, about 40 ms on Linux, on every request
  // of a kept-alive connection after the first few. That latency would be the emulator's, not
  // Salesforce's, and the `latency_ms` fault is the only latency the emulator should add.
  server_->set_tcp_nodelay(true);
  auto handler = [this](const httplib::Request& request, httplib::Response& response) {
    handle(request, response);
  };
  server_->Get(".*", handler).Post(".*", handler).Put(".*", handler);
  server_->Patch(".*", handler).Delete(".*", handler);
  int bound = port == 0                           ? server_->bind_to_any_port(host)
              : server_->bind_to_port(host, port) ? port
                                                  : -1;
  if (bound <= 0) {
    server_.reset();
    return Error::fatal("EMULATOR", fmt::format("cannot listen on {}:{}", host, port));
  }
  host_ = host;
  port_ = bound;
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  running->get_future().wait();
  pubsub_ = std::make_unique<PubSubServer>(*this);
  if (auto started = pubsub_->start(host); !started.ok()) {
    pubsub_.reset();
    stop();
    return started;
  }
  return ok_status();
}

std::string SalesforceEmulator::url() const {
  return fmt::format("http://{}:{}", host_ == "0.0.0.0" ? "127.0.0.1" : host_, port_);
}

std::string SalesforceEmulator::pubsub_endpoint() const {
  return pubsub_ ? pubsub_->endpoint() : std::string();
}

void SalesforceEmulator::stop() {
  if (!server_) return;
  stopping_->request_stop();  // ends latency sleeps, so the worker threads can be joined
  if (pubsub_) pubsub_->stop();
  server_->stop();
  if (thread_.joinable()) thread_.join();
  server_.reset();
}

std::vector<RecordedEvent> SalesforceEmulator::events() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return events_;
}

void SalesforceEmulator::clear_events() {
  std::lock_guard<std::mutex> lock(mutex_);
  events_.clear();
}

json SalesforceEmulator::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return {{"requests", requests_},
          {"events_accepted", events_published_},
          {"tokens_issued", tokens_issued_},
          {"api_usage", api_usage_},
          {"pubsub_invalid_payloads", pubsub_invalid_payloads_}};
}

void SalesforceEmulator::set_faults(const Faults& faults) {
  std::lock_guard<std::mutex> lock(mutex_);
  faults_ = faults;
  requests_since_expiry_ = 0;
}

void SalesforceEmulator::handle(const httplib::Request& request, httplib::Response& response) {
  Reply reply = route(request);
  if (reply.drop) {
    // cpp-httplib 0.11 offers no way to close a connection from a handler. A content provider
    // that fails after the status line and headers went out makes it close the socket with the
    // body missing: the client sees a truncated response, i.e. a transport error.
    response.status = 200;
    response.set_content_provider(1024, kSalesforceContentType,
                                  [](size_t, size_t, httplib::DataSink&) { return false; });
    return;
  }
  response.status = reply.status;
  for (const auto& [name, value] : reply.headers) response.set_header(name, value);
  if (reply.with_limit_info) {
    std::lock_guard<std::mutex> lock(mutex_);
    response.set_header("Sforce-Limit-Info",
                        fmt::format("api-usage={}/{}", api_usage_, config_.daily_api_requests_max));
  }
  if (!reply.body.is_null()) {
    bool control = request.path.starts_with(kControlPrefix);
    response.set_content(reply.body.dump(-1, ' ', false, json::error_handler_t::replace),
                         control ? "application/json" : kSalesforceContentType);
  }
}

SalesforceEmulator::Reply SalesforceEmulator::route(const httplib::Request& request) {
  const std::string& path = request.path;
  if (path.starts_with(kControlPrefix)) return control(request.method, path, request.body);
  if (path == "/services/oauth2/token") {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++requests_["token"];
    }
    return token(request);
  }
  if (path == "/services/data" || path == "/services/data/") {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++requests_["versions"];
    }
    if (request.method != "GET") {
      return Reply{405, error_array("METHOD_NOT_ALLOWED",
                                    fmt::format("HTTP Method '{}' not allowed. Allowed are GET",
                                                request.method))};
    }
    return versions();
  }
  if (path.starts_with("/services/data/")) return data_api(request, path);
  return Reply{404, not_found_body()};
}

SalesforceEmulator::Reply SalesforceEmulator::control(const std::string& method,
                                                      const std::string& path,
                                                      const std::string& body) {
  std::string_view what = std::string_view(path).substr(std::string_view(kControlPrefix).size());
  if (what == "events" && method == "GET") {
    json list = json::array();
    for (const RecordedEvent& event : events()) list.push_back(to_json(event));
    return Reply{200, {{"events", list}}};
  }
  if (what == "events" && method == "DELETE") {
    clear_events();
    return Reply{204, nullptr};
  }
  if (what == "stats" && method == "GET") return Reply{200, stats()};
  if (what == "new-hour" && method == "POST") {
    start_new_hour();
    return Reply{204, nullptr};
  }
  if (what == "definitions" && method == "PUT") {
    // Body: {"events": [...]} in the configuration file's form (emulator_config.h).
    json parsed = json::parse(body, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object() || !parsed.contains("events")) {
      return Reply{400, {{"error", "expected {\"events\": [...]}"}}};
    }
    auto config = emulator_config_from_json(json{{"events", parsed["events"]}});
    if (!config.ok()) return Reply{400, {{"error", config.error().message}}};
    set_event_definitions(config->events);
    return Reply{204, nullptr};
  }
  if (what == "faults" && method == "GET") {
    std::lock_guard<std::mutex> lock(mutex_);
    return Reply{200, faults_to_json(faults_)};
  }
  if (what == "faults" && method == "PUT") {
    json parsed = json::parse(body, nullptr, false);
    auto faults = faults_from_json(parsed.is_discarded() ? json() : parsed);
    if (!faults.ok()) return Reply{400, {{"error", faults.error().message}}};
    set_faults(*faults);
    return Reply{200, faults_to_json(*faults)};
  }
  return Reply{404, {{"error", fmt::format("no control endpoint {} {}", method, path)}}};
}

SalesforceEmulator::Reply SalesforceEmulator::token(const httplib::Request& request) {
  // §4.1, §4.2 and §4.3; errors in the order Salesforce checks them (unverified for the order).
  if (request.method != "POST") {
    return Reply{400, oauth_error("invalid_request", "must use HTTP POST")};
  }
  const std::string grant = request.get_param_value("grant_type");
  if (grant.empty()) return Reply{400, oauth_error("invalid_request", "grant type is missing")};
  if (grant != "password" && grant != "client_credentials" && grant != kJwtBearerGrant) {
    return Reply{400, oauth_error("unsupported_grant_type", "grant type not supported")};
  }
  if (grant == kJwtBearerGrant) {
    // §4.2: no client secret; the assertion alone identifies app and user. aud must name the
    // org's authorization server, whichever host the assertion was posted to: this emulator's
    // URL stands for the org's My Domain, which real Salesforce refuses as an audience.
    const char* audience = config_.org_type == OrgType::kSandbox ? "https://test.salesforce.com"
                                                                 : "https://login.salesforce.com";
    JwtExpectations expected{config_.jwt_certificate_pem,
                             config_.consumer_key,
                             config_.username,
                             {audience},
                             config_.jwt_user_approved,
                             std::chrono::system_clock::now()};
    if (auto refused = check_jwt_assertion(request.get_param_value("assertion"), expected)) {
      return Reply{400, oauth_error(refused->error, refused->description)};
    }
    return issue_token(/*scope=*/"web api");
  }
  std::string client_id = request.get_param_value("client_id");
  std::string client_secret = request.get_param_value("client_secret");
  // §4.3: simple-salesforce sends the client credentials as HTTP Basic instead.
  const std::string authorization = request.get_header_value("Authorization");
  if (client_id.empty() && authorization.starts_with("Basic ")) {
    auto decoded = base64_decode(std::string_view(authorization).substr(6));
    if (decoded && decoded->find(':') != std::string::npos) {
      client_id = decoded->substr(0, decoded->find(':'));
      client_secret = decoded->substr(decoded->find(':') + 1);
    }
  }
  if (client_id != config_.consumer_key) {
    return Reply{400, oauth_error("invalid_client_id", "client identifier invalid")};
  }
  if (client_secret != config_.consumer_secret) {
    return Reply{400, oauth_error("invalid_client", "invalid client credentials")};
  }
  if (grant == "password" &&
      (request.get_param_value("username") != config_.username ||
       request.get_param_value("password") != config_.password + config_.security_token)) {
    return Reply{400, oauth_error("invalid_grant", "authentication failure")};
  }
  return issue_token(/*scope=*/"");
}

SalesforceEmulator::Reply SalesforceEmulator::issue_token(const std::string& scope) {
  const std::string issued_at =
      std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count());
  const std::string id = fmt::format("{}/id/{}/{}", url(), config_.org_id, config_.user_id);
  std::string access_token;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    access_token = random_token();
    valid_tokens_.insert(access_token);
    ++tokens_issued_;
  }
  Reply reply{200,
              {{"access_token", access_token},
               {"instance_url", url()},
               {"id", id},
               {"token_type", "Bearer"},
               {"issued_at", issued_at},
               {"signature", token_signature(config_.consumer_secret, id + issued_at)}}};
  if (!scope.empty()) reply.body["scope"] = scope;  // §4.2: the JWT bearer response has one
  return reply;
}

SalesforceEmulator::Reply SalesforceEmulator::versions() const {
  // §2.5: no authentication, no Sforce-Limit-Info, not counted against the API limit.
  json list = json::array();
  for (int version = kOldestApiVersion; version <= latest_version_; ++version) {
    list.push_back({{"label", release_label(version)},
                    {"url", fmt::format("/services/data/v{}.0", version)},
                    {"version", fmt::format("{}.0", version)}});
  }
  return Reply{200, list};
}

SalesforceEmulator::Reply SalesforceEmulator::data_api(const httplib::Request& request,
                                                       const std::string& path) {
  // /services/data/vXX.X/<resource...>
  std::vector<std::string> segments = split_path(path);
  std::string version_text = segments.size() > 2 ? segments[2] : "";
  std::vector<std::string> resource(segments.begin() + std::min<size_t>(3, segments.size()),
                                    segments.end());
  std::string kind;
  if (resource.size() == 3 && resource[0] == "sobjects" && resource[2] == "describe") {
    kind = "describe";
  } else if (resource.size() == 1 && resource[0] == "limits") {
    kind = "limits";
  } else if (resource.size() == 2 && resource[0] == "sobjects") {
    kind = "sobject";
  } else if (resource.size() == 2 && resource[0] == "composite" && resource[1] == "sobjects") {
    kind = "collections";
  }
  if (!kind.empty()) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++requests_[kind];
  }
  const std::string allowed = kind == "describe" || kind == "limits" ? "GET" : "POST";
  const bool publish = (kind == "sobject" || kind == "collections") && request.method == "POST";
  if (publish) {
    if (auto fault = publish_fault()) return *fault;
  }

  Reply reply;
  if (auto unauthorized = authenticate(request)) {
    reply = *unauthorized;
  } else {
    std::unique_lock<std::mutex> lock(mutex_);
    if (api_usage_ >= config_.daily_api_requests_max) {
      // §2.4: the daily API request limit is exhausted.
      reply = Reply{403, error_array("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")};
    } else {
      ++api_usage_;  // §2.6: every authenticated REST call counts once, whatever it carries
      lock.unlock();
      std::optional<int> version =
          version_text.starts_with('v') ? parse_api_version(version_text.substr(1)) : std::nullopt;
      if (!version || *version < kOldestApiVersion || *version > latest_version_ || kind.empty()) {
        reply = Reply{404, not_found_body()};
      } else if (request.method != allowed) {
        reply = Reply{405, error_array("METHOD_NOT_ALLOWED",
                                       fmt::format("HTTP Method '{}' not allowed. Allowed are {}",
                                                   request.method, allowed))};
      } else if (kind == "describe") {
        reply = describe(resource[1], *version);
      } else if (kind == "limits") {
        reply = limits();
      } else if (kind == "sobject") {
        reply = publish_single(resource[1], request.body);
      } else {
        reply = publish_collection(request.body);
      }
    }
  }
  reply.with_limit_info = true;  // §2.5: on every REST response but the versions list
  return reply;
}

std::optional<SalesforceEmulator::Reply> SalesforceEmulator::publish_fault() {
  int latency_ms;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    latency_ms = faults_.latency_ms;
  }
  if (latency_ms > 0) stopping_->wait_for(std::chrono::milliseconds(latency_ms));
  std::lock_guard<std::mutex> lock(mutex_);
  if (faults_.drop_next > 0) {
    --faults_.drop_next;
    Reply reply;
    reply.drop = true;
    return reply;
  }
  if (faults_.fail_next > 0) {
    --faults_.fail_next;
    return Reply{faults_.fail_status, fault_body(faults_.fail_status)};
  }
  return std::nullopt;
}

std::optional<SalesforceEmulator::Reply> SalesforceEmulator::authenticate(
    const httplib::Request& request) {
  // §2.4 and §4.4: 401 bodies; the WWW-Authenticate header is from a recorded response.
  auto unauthorized = [](const std::string& code, const std::string& message) {
    Reply reply{401, error_array(code, message)};
    reply.headers.emplace_back("WWW-Authenticate", "Token");
    return reply;
  };
  const std::string header = request.get_header_value("Authorization");
  if (header.empty()) return unauthorized("INVALID_SESSION_ID", "Session expired or invalid");
  std::string token;
  if (header.starts_with("Bearer ")) {
    token = header.substr(7);
  } else if (header.starts_with("OAuth ")) {
    token = header.substr(6);
  } else {
    return unauthorized("INVALID_AUTH_HEADER", "INVALID_AUTH_HEADER");
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (!use_token_locked(token)) {
    return unauthorized("INVALID_SESSION_ID", "Session expired or invalid");
  }
  return std::nullopt;
}

bool SalesforceEmulator::use_token_locked(const std::string& token) {
  if (!valid_tokens_.contains(token)) return false;
  if (faults_.expire_token_every > 0 && ++requests_since_expiry_ >= faults_.expire_token_every) {
    valid_tokens_.clear();  // this request still succeeds; the next one needs a new token
    requests_since_expiry_ = 0;
  }
  return true;
}

SalesforceEmulator::Reply SalesforceEmulator::describe(const std::string& event_name,
                                                       int api_version) const {
  auto defs = event_defs();
  const EventDef* event = find_event(*defs, event_name);
  if (event == nullptr) return Reply{404, not_found_body()};
  return Reply{200, describe_event(*event, api_version)};
}

SalesforceEmulator::Reply SalesforceEmulator::limits() const {
  // §2.5 keys with the Developer Edition maxima of §7; only API requests and hourly publishes
  // move.
  if (!config_.view_setup_and_configuration) {
    // §2.5: /limits needs "View Setup and Configuration". Salesforce refuses a missing user
    // permission with 403 INSUFFICIENT_ACCESS; this text is the one of its record-access refusals
    // (the exact text for /limits is unverified).
    return Reply{403, error_array("INSUFFICIENT_ACCESS",
                                  "Insufficient Privileges: You do not have the level of access "
                                  "necessary to perform the operation you requested. Please "
                                  "contact the owner of the record or your administrator if "
                                  "access is necessary.")};
  }
  auto entry = [](int max, int used) { return json{{"Max", max}, {"Remaining", max - used}}; };
  std::lock_guard<std::mutex> lock(mutex_);
  return Reply{200,
               {{"DailyApiRequests", entry(config_.daily_api_requests_max, api_usage_)},
                {"DailyDeliveredPlatformEvents", entry(10000, 0)},
                {"DailyStandardVolumePlatformEvents", entry(10000, 0)},
                {"HourlyPublishedPlatformEvents",
                 entry(config_.hourly_published_events_max, hour_published_)},
                {"HourlyPublishedStandardVolumePlatformEvents", entry(1000, 0)},
                {"PublishCallbackUsageInApex", entry(5242880, 0)}}};
}

SalesforceEmulator::Reply SalesforceEmulator::publish_single(const std::string& event_name,
                                                             const std::string& body) {
  // §2.1. A misspelled object is a 404 NOT_FOUND (§2.4).
  auto defs = event_defs();
  const EventDef* event = find_event(*defs, event_name);
  if (event == nullptr) return Reply{404, not_found_body()};
  ApiError error;
  auto parsed = parse_body(body, &error);
  if (!parsed) return Reply{400, json::array({error.top_level()})};
  auto record = deserialize_record(*event, *parsed, JsonLocator(body), "");
  if (auto* failed = std::get_if<ApiError>(&record)) {
    return Reply{400, json::array({failed->top_level()})};
  }
  std::vector<Outcome> outcomes;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    outcomes = save_locked({std::get<EventRecord>(record)}, false);
  }
  const Outcome& outcome = outcomes.front();
  if (!outcome.success) {
    // A failed single save comes back as the generic error array (§2.4); for the platform-event
    // codes that is probably a 400 (unverified, §2.4).
    json errors = json::array();
    for (const ApiError& e : outcome.errors) errors.push_back(e.top_level());
    return Reply{400, errors};
  }
  return Reply{
      201,
      {{"id", outcome.event.id},
       {"success", true},
       {"errors",
        json::array({ApiError{"OPERATION_ENQUEUED", outcome.event.uuid, std::vector<std::string>{}}
                         .save_result()})}}};
}

SalesforceEmulator::Reply SalesforceEmulator::publish_collection(const std::string& body) {
  // §2.2. The request is deserialized as a whole before anything is saved, so a record that
  // cannot be deserialized (unknown field, wrong JSON type, bad date) fails the whole call with
  // a top-level 400, as a deserializer-based API does; whether a real org answers so for
  // /composite/sobjects is unverified. Save errors (STRING_TOO_LONG, LIMIT_EXCEEDED, ...) fail
  // only their record.
  constexpr size_t kMaxRecords = 200;
  ApiError error;
  auto parsed = parse_body(body, &error);
  if (!parsed) return Reply{400, json::array({error.top_level()})};
  JsonLocator locator(body);
  auto bad_request = [](const std::string& code, const std::string& message) {
    return Reply{400, error_array(code, message)};
  };
  if (!parsed->is_object()) {
    return bad_request("JSON_PARSER_ERROR",
                       "Cannot deserialize instance of SObjectCollectionRequest from START_ARRAY" +
                           locator.where(""));
  }
  bool all_or_none = false;  // §2.2: optional, default false
  if (parsed->contains("allOrNone")) {
    const ordered_json& value = (*parsed)["allOrNone"];
    if (!value.is_boolean()) {
      return bad_request("JSON_PARSER_ERROR",
                         fmt::format("Cannot deserialize instance of boolean from {} value {}{}",
                                     value.is_string() ? "VALUE_STRING" : "VALUE_NUMBER_INT",
                                     value.dump(), locator.where("/allOrNone")));
    }
    all_or_none = value.get<bool>();
  }
  if (!parsed->contains("records") || !(*parsed)["records"].is_array()) {
    // Wording modelled on REQUIRED_FIELD_MISSING (§2.4); unverified for this resource.
    ApiError missing{"REQUIRED_FIELD_MISSING", "Required fields are missing: [records]",
                     std::vector<std::string>{"records"}};
    return Reply{400, json::array({missing.top_level()})};
  }
  const ordered_json& records = (*parsed)["records"];
  if (records.size() > kMaxRecords) {
    // The 200-record cap is documented (§2.2); the code and text are unverified.
    return bad_request("EXCEEDED_ID_LIMIT",
                       "record limit reached. cannot submit more than 200 records into this call");
  }
  auto defs = event_defs();  // keeps every EventRecord::event alive
  std::vector<EventRecord> deserialized;
  for (size_t i = 0; i < records.size(); ++i) {
    const ordered_json& record = records[i];
    const std::string pointer = fmt::format("/records/{}", i);
    // §2.2: each record needs attributes.type. Code and texts are unverified (§10, INVALID_TYPE
    // on /composite/sobjects is an open gap); the unknown-type text is Salesforce's usual one.
    const ordered_json* type = nullptr;
    if (record.is_object() && record.contains("attributes") && record["attributes"].is_object() &&
        record["attributes"].contains("type") && record["attributes"]["type"].is_string()) {
      type = &record["attributes"]["type"];
    }
    if (type == nullptr) {
      return bad_request("INVALID_TYPE", fmt::format("Record at index {} must specify its sObject "
                                                     "type in attributes.type",
                                                     i));
    }
    const EventDef* event = find_event(*defs, type->get<std::string>());
    if (event == nullptr) {
      return bad_request(
          "INVALID_TYPE",
          fmt::format("sObject type '{}' is not supported. If you are attempting to use a custom "
                      "object, be sure to append the '__c' after the entity name. Please "
                      "reference your WSDL or the describe call for the appropriate names.",
                      type->get<std::string>()));
    }
    auto result = deserialize_record(*event, record, locator, pointer);
    if (auto* failed = std::get_if<ApiError>(&result)) {
      return Reply{400, json::array({failed->top_level()})};
    }
    deserialized.push_back(std::move(std::get<EventRecord>(result)));
  }
  std::vector<Outcome> outcomes;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    outcomes = save_locked(deserialized, all_or_none);
  }
  json results = json::array();
  for (const Outcome& outcome : outcomes) {
    if (outcome.success) {
      // That each item carries OPERATION_ENQUEUED and a UUID, as a single publish does, is
      // unverified (§2.2).
      results.push_back({{"id", outcome.event.id},
                         {"success", true},
                         {"errors", json::array({ApiError{"OPERATION_ENQUEUED", outcome.event.uuid,
                                                          std::vector<std::string>{}}
                                                     .save_result()})}});
    } else {
      json errors = json::array();
      for (const ApiError& e : outcome.errors) errors.push_back(e.save_result());
      results.push_back({{"success", false}, {"errors", errors}});  // §2.2: no "id" key
    }
  }
  return Reply{200, results};
}

std::vector<SalesforceEmulator::Outcome> SalesforceEmulator::save_locked(
    const std::vector<EventRecord>& records, bool all_or_none) {
  std::vector<Outcome> outcomes(records.size());
  bool any_failed = false;
  int accepted = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    Outcome& outcome = outcomes[i];
    outcome.errors = check_record(records[i]);
    if (outcome.errors.empty() &&
        (faults_.limit_exceeded_next > 0 ||
         hour_published_ + accepted >= config_.hourly_published_events_max)) {
      // PE Guide error codes (§2.4): the hourly publishing allocation is used up; the record is
      // neither published nor queued. The message text is unverified.
      if (faults_.limit_exceeded_next > 0) --faults_.limit_exceeded_next;
      outcome.errors.push_back({"LIMIT_EXCEEDED",
                                "The number of platform event messages published exceeded the "
                                "hourly publishing allocation.",
                                std::vector<std::string>{}});
    }
    outcome.success = outcome.errors.empty();
    if (outcome.success) {
      ++accepted;
    } else {
      any_failed = true;
    }
  }
  if (all_or_none && any_failed) {
    // §2.2: every other item is rolled back. (For Publish Immediately events a real org ignores
    // allOrNone; the emulator follows the documented sObject Collections behaviour.)
    for (Outcome& outcome : outcomes) {
      if (!outcome.success) continue;
      outcome.success = false;
      outcome.errors = {{"ALL_OR_NONE_OPERATION_ROLLED_BACK",
                         "Record rolled back because not all records were valid and the request "
                         "was using AllOrNone header",
                         std::vector<std::string>{}}};
    }
    return outcomes;
  }
  for (size_t i = 0; i < records.size(); ++i) {
    Outcome& outcome = outcomes[i];
    if (!outcome.success) continue;
    // §2.1: ids look like e00xx0000000001AAA and identify nothing; the UUID is the EventUuid.
    outcome.event =
        RecordedEvent{records[i].event->name, json(records[i].fields),
                      fmt::format("e00xx{:010d}AAA", next_id_++), random_uuid(), wall_clock_us(),
                      /*producer_id=*/""};
    events_.push_back(outcome.event);
    ++events_published_;
    ++hour_published_;
  }
  return outcomes;
}

std::string SalesforceEmulator::random_token() {
  // Shaped like a real access token: "<org id>!<opaque text>".
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._";
  std::string token = config_.org_id + "!AR";
  for (int i = 0; i < 96; ++i) token.push_back(kAlphabet[random_() % (sizeof(kAlphabet) - 1)]);
  return token;
}

std::string SalesforceEmulator::random_uuid() {
  unsigned char bytes[16];
  for (unsigned char& byte : bytes) byte = static_cast<unsigned char>(random_() & 0xFF);
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0F) | 0x40);  // version 4
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3F) | 0x80);  // RFC 4122 variant
  std::string hex;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) hex.push_back('-');
    hex += fmt::format("{:02x}", bytes[i]);
  }
  return hex;
}

}  // namespace sfpe::testing
