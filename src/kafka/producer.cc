#include "kafka/producer.h"

#include <cstring>

#include <fmt/format.h>

namespace sfpe::kafka {
namespace {

struct AdminDeleter {
  void operator()(rd_kafka_NewTopic_t* topic) const { rd_kafka_NewTopic_destroy(topic); }
  void operator()(rd_kafka_queue_t* queue) const { rd_kafka_queue_destroy(queue); }
  void operator()(rd_kafka_event_t* event) const { rd_kafka_event_destroy(event); }
  void operator()(rd_kafka_AdminOptions_t* options) const { rd_kafka_AdminOptions_destroy(options); }
  void operator()(const rd_kafka_metadata_t* metadata) const { rd_kafka_metadata_destroy(metadata); }
};

Result<KafkaHandle> new_producer_handle(const std::map<std::string, std::string>& properties,
                                        rd_kafka_conf_t* (*prepare)(rd_kafka_conf_t*, void*),
                                        void* opaque) {
  auto conf = make_conf(properties);
  if (!conf.ok()) return conf.error();
  if (prepare != nullptr) prepare(conf->get(), opaque);
  char errstr[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf->get(), errstr, sizeof(errstr));
  if (rk == nullptr) {
    return Error::fatal("KAFKA_PRODUCER", fmt::format("could not create producer: {}", errstr));
  }
  conf->release();  // rd_kafka_new took ownership
  return KafkaHandle(rk);
}

// Whether the cluster's metadata lists `topic`. Asking for every topic never auto-creates one.
Result<bool> topic_exists(rd_kafka_t* rk, const std::string& topic,
                          std::chrono::milliseconds timeout) {
  const rd_kafka_metadata_t* raw = nullptr;
  rd_kafka_resp_err_t err =
      rd_kafka_metadata(rk, 1, nullptr, &raw, static_cast<int>(timeout.count()));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Error::transient("KAFKA_METADATA",
                            fmt::format("could not read the cluster's topics: {}",
                                        rd_kafka_err2str(err)));
  }
  std::unique_ptr<const rd_kafka_metadata_t, AdminDeleter> metadata(raw);
  for (int i = 0; i < metadata->topic_cnt; ++i) {
    if (topic == metadata->topics[i].topic && metadata->topics[i].err == 0) return true;
  }
  return false;
}

}  // namespace

Result<std::unique_ptr<Producer>> Producer::create(
    const std::map<std::string, std::string>& properties, DeliveryCallback on_delivery) {
  std::unique_ptr<Producer> producer(new Producer());
  producer->on_delivery_ = std::move(on_delivery);
  auto handle = new_producer_handle(
      properties,
      [](rd_kafka_conf_t* conf, void* opaque) {
        rd_kafka_conf_set_opaque(conf, opaque);
        rd_kafka_conf_set_dr_msg_cb(conf, &Producer::delivery_callback);
        rd_kafka_conf_set_error_cb(conf, &Producer::error_callback);
        return conf;
      },
      producer.get());
  if (!handle.ok()) return handle.error();
  producer->handle_ = std::move(handle.value());
  return producer;
}

Producer::~Producer() = default;  // the handle's destroy drops what is still queued

void Producer::delivery_callback(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
  auto* self = static_cast<Producer*>(opaque);
  Delivery delivery;
  delivery.token = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(message->_private));
  delivery.partition = message->partition;
  delivery.offset = message->offset;
  if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    delivery.error = Error::permanent(
        "KAFKA_PRODUCE", fmt::format("could not write to topic {}: {}",
                                     rd_kafka_topic_name(message->rkt), rd_kafka_err2str(message->err)));
  }
  if (self->on_delivery_) self->on_delivery_(delivery);
}

void Producer::error_callback(rd_kafka_t*, int err, const char* reason, void* opaque) {
  // Served by poll()/flush() on the owner's thread. With delivery.timeout.ms unbounded (the
  // DLQ's Connect default), a cluster that cannot be reached never fails a delivery: these
  // errors are the only word of it, kept for the owner to report.
  auto* self = static_cast<Producer*>(opaque);
  self->last_error_ = fmt::format("{} ({})", reason != nullptr ? reason : "",
                                  rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err)));
}

Status Producer::produce(const OutgoingRecord& record, uint64_t token) {
  // librdkafka's V_ macros cast their arguments without parentheses: pass plain variables.
  void* key_data = record.key ? const_cast<char*>(record.key->data()) : nullptr;
  size_t key_size = record.key ? record.key->size() : 0;
  void* value_data = record.value ? const_cast<char*>(record.value->data()) : nullptr;
  size_t value_size = record.value ? record.value->size() : 0;
  int64_t timestamp = record.timestamp_ms >= 0 ? record.timestamp_ms : 0;  // 0: now
  void* opaque = reinterpret_cast<void*>(static_cast<uintptr_t>(token));
  rd_kafka_headers_t* headers = rd_kafka_headers_new(record.headers.size());
  for (const auto& h : record.headers) {
    rd_kafka_header_add(headers, h.name.data(), static_cast<ssize_t>(h.name.size()),
                        h.value ? h.value->data() : nullptr,
                        h.value ? static_cast<ssize_t>(h.value->size()) : 0);
  }
  rd_kafka_resp_err_t err = rd_kafka_producev(
      handle_.get(), RD_KAFKA_V_TOPIC(record.topic.c_str()),
      RD_KAFKA_V_PARTITION(RD_KAFKA_PARTITION_UA), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
      RD_KAFKA_V_KEY(key_data, key_size), RD_KAFKA_V_VALUE(value_data, value_size),
      RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_TIMESTAMP(timestamp), RD_KAFKA_V_OPAQUE(opaque),
      RD_KAFKA_V_END);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return ok_status();  // headers now owned by librdkafka
  rd_kafka_headers_destroy(headers);
  if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
    // Never waited out here: a cluster that is slow or gone would hold the caller for ever.
    return Error::transient(
        "KAFKA_QUEUE_FULL",
        fmt::format("could not queue a record for topic {}: the producer's queue is full "
                    "({} record(s) waiting for the cluster{}{})",
                    record.topic, rd_kafka_outq_len(handle_.get()),
                    last_error_.empty() ? "" : "; last error: ", last_error_));
  }
  return Error::permanent("KAFKA_PRODUCE", fmt::format("could not write to topic {}: {}",
                                                       record.topic, rd_kafka_err2str(err)));
}

void Producer::poll(std::chrono::milliseconds timeout) {
  rd_kafka_poll(handle_.get(), static_cast<int>(timeout.count()));
}

bool Producer::flush(std::chrono::milliseconds timeout) {
  return rd_kafka_flush(handle_.get(), static_cast<int>(timeout.count())) ==
         RD_KAFKA_RESP_ERR_NO_ERROR;
}

int Producer::in_flight() const { return rd_kafka_outq_len(handle_.get()); }

Status create_topic_if_missing(const std::map<std::string, std::string>& properties,
                               const TopicSpec& topic, std::chrono::milliseconds timeout) {
  auto handle = new_producer_handle(properties, nullptr, nullptr);
  if (!handle.ok()) return handle.error();
  rd_kafka_t* rk = handle->get();
  auto exists = topic_exists(rk, topic.name, timeout);
  if (!exists.ok()) return exists.error();
  if (*exists) return ok_status();

  char errstr[512];
  std::unique_ptr<rd_kafka_NewTopic_t, AdminDeleter> new_topic(rd_kafka_NewTopic_new(
      topic.name.c_str(), topic.partitions, topic.replication_factor, errstr, sizeof(errstr)));
  if (!new_topic) {
    return Error::permanent("KAFKA_CREATE_TOPIC",
                            fmt::format("cannot create topic {}: {}", topic.name, errstr));
  }
  std::unique_ptr<rd_kafka_AdminOptions_t, AdminDeleter> options(
      rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS));
  rd_kafka_AdminOptions_set_request_timeout(options.get(), static_cast<int>(timeout.count()),
                                            errstr, sizeof(errstr));
  std::unique_ptr<rd_kafka_queue_t, AdminDeleter> queue(rd_kafka_queue_new(rk));
  rd_kafka_NewTopic_t* topics[] = {new_topic.get()};
  rd_kafka_CreateTopics(rk, topics, 1, options.get(), queue.get());
  std::unique_ptr<rd_kafka_event_t, AdminDeleter> event(
      rd_kafka_queue_poll(queue.get(), static_cast<int>(timeout.count()) + 1000));
  if (!event) {
    return Error::transient("KAFKA_CREATE_TOPIC",
                            fmt::format("creating topic {} timed out", topic.name));
  }
  rd_kafka_resp_err_t err = rd_kafka_event_error(event.get());
  std::string message = err != 0 ? rd_kafka_event_error_string(event.get()) : "";
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    const rd_kafka_CreateTopics_result_t* result = rd_kafka_event_CreateTopics_result(event.get());
    size_t count = 0;
    const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(result, &count);
    for (size_t i = 0; i < count; ++i) {
      err = rd_kafka_topic_result_error(results[i]);
      const char* text = rd_kafka_topic_result_error_string(results[i]);
      message = text != nullptr ? text : rd_kafka_err2str(err);
    }
  }
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
    return ok_status();
  }
  return Error::permanent("KAFKA_CREATE_TOPIC",
                          fmt::format("could not create topic {} ({} partition(s), replication "
                                      "factor {}): {}",
                                      topic.name, topic.partitions, topic.replication_factor,
                                      message.empty() ? rd_kafka_err2str(err) : message));
}

}  // namespace sfpe::kafka
