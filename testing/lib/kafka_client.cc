#include "kafka_client.h"

#include <fmt/format.h>

#include "kafka/consumer.h"

namespace sfpe::testing {

using kafka::KafkaHandle;
using kafka::PartitionList;

Result<std::unique_ptr<TestProducer>> TestProducer::create(const std::string& bootstrap_servers) {
  auto conf = kafka::make_conf({{"bootstrap.servers", bootstrap_servers},
                                {"acks", "all"},
                                {"linger.ms", "5"},
                                {"enable.idempotence", "true"}});
  if (!conf.ok()) return conf.error();
  std::unique_ptr<TestProducer> producer(new TestProducer());
  rd_kafka_conf_set_opaque(conf->get(), producer.get());
  rd_kafka_conf_set_dr_msg_cb(conf->get(), &TestProducer::delivery_callback);
  char errstr[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf->get(), errstr, sizeof(errstr));
  if (rk == nullptr) return Error::fatal("PRODUCER", errstr);
  conf->release();
  producer->handle_.reset(rk);
  return producer;
}

TestProducer::~TestProducer() {
  if (handle_) rd_kafka_flush(handle_.get(), 10000);
}

void TestProducer::delivery_callback(rd_kafka_t*, const rd_kafka_message_t* message,
                                     void* opaque) {
  auto* self = static_cast<TestProducer*>(opaque);
  if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (self->failures_++ == 0) self->first_failure_ = rd_kafka_err2str(message->err);
  }
}

Status TestProducer::produce(const std::string& topic, int32_t partition,
                             const std::optional<std::string>& key,
                             const std::optional<std::string>& value,
                             const std::vector<kafka::Header>& headers) {
  rd_kafka_headers_t* hdrs = rd_kafka_headers_new(headers.size());
  for (const auto& h : headers) {
    rd_kafka_header_add(hdrs, h.name.c_str(), -1, h.value ? h.value->data() : nullptr,
                        h.value ? static_cast<ssize_t>(h.value->size()) : 0);
  }
  // librdkafka's V_ macros cast their arguments without parentheses: pass plain variables.
  void* key_data = key ? const_cast<char*>(key->data()) : nullptr;
  size_t key_size = key ? key->size() : 0;
  void* value_data = value ? const_cast<char*>(value->data()) : nullptr;
  size_t value_size = value ? value->size() : 0;
  int32_t target = partition < 0 ? RD_KAFKA_PARTITION_UA : partition;
  for (;;) {
    rd_kafka_resp_err_t err = rd_kafka_producev(
        handle_.get(), RD_KAFKA_V_TOPIC(topic.c_str()),
        RD_KAFKA_V_PARTITION(target), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_KEY(key_data, key_size), RD_KAFKA_V_VALUE(value_data, value_size),
        RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return ok_status();  // headers now owned by librdkafka
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      rd_kafka_poll(handle_.get(), 100);
      continue;
    }
    rd_kafka_headers_destroy(hdrs);
    return Error::permanent("PRODUCE", rd_kafka_err2str(err));
  }
}

Status TestProducer::flush(std::chrono::milliseconds timeout) {
  rd_kafka_resp_err_t err = rd_kafka_flush(handle_.get(), static_cast<int>(timeout.count()));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return Error::transient("PRODUCE", rd_kafka_err2str(err));
  if (failures_ > 0) {
    return Error::permanent("PRODUCE", fmt::format("{} records failed: {}", failures_, first_failure_));
  }
  return ok_status();
}

namespace {

Result<KafkaHandle> make_plain_consumer(const std::string& bootstrap_servers,
                                        const std::string& group) {
  auto conf = kafka::make_conf({{"bootstrap.servers", bootstrap_servers},
                                {"group.id", group},
                                {"enable.auto.commit", "false"},
                                {"enable.partition.eof", "true"},
                                {"auto.offset.reset", "earliest"}});
  if (!conf.ok()) return conf.error();
  char errstr[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf->get(), errstr, sizeof(errstr));
  if (rk == nullptr) return Error::fatal("CONSUMER", errstr);
  conf->release();
  return KafkaHandle(rk);
}

}  // namespace

Result<std::vector<int64_t>> committed_offsets(const std::string& bootstrap_servers,
                                               const std::string& group, const std::string& topic,
                                               int partitions) {
  auto rk = make_plain_consumer(bootstrap_servers, group);
  if (!rk.ok()) return rk.error();
  PartitionList list(rd_kafka_topic_partition_list_new(partitions));
  for (int p = 0; p < partitions; ++p) rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p);
  rd_kafka_resp_err_t err = rd_kafka_committed(rk->get(), list.get(), 10000);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return Error::transient("COMMITTED", rd_kafka_err2str(err));
  std::vector<int64_t> result(partitions, -1);
  for (int i = 0; i < list->cnt; ++i) {
    result[list->elems[i].partition] = list->elems[i].offset < 0 ? -1 : list->elems[i].offset;
  }
  rd_kafka_consumer_close(rk->get());
  return result;
}

Result<std::vector<int64_t>> end_offsets(const std::string& bootstrap_servers,
                                         const std::string& topic, int partitions) {
  auto rk = make_plain_consumer(bootstrap_servers, "sfpe-test-watermarks");
  if (!rk.ok()) return rk.error();
  std::vector<int64_t> result;
  for (int p = 0; p < partitions; ++p) {
    int64_t low = 0, high = 0;
    rd_kafka_resp_err_t err =
        rd_kafka_query_watermark_offsets(rk->get(), topic.c_str(), p, &low, &high, 10000);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return Error::transient("WATERMARKS", rd_kafka_err2str(err));
    result.push_back(high);
  }
  rd_kafka_consumer_close(rk->get());
  return result;
}

}  // namespace sfpe::testing

namespace sfpe::testing {

Status create_topic(const std::string& bootstrap_servers, const std::string& topic,
                    int partitions, int replication_factor) {
  auto conf = kafka::make_conf({{"bootstrap.servers", bootstrap_servers}});
  if (!conf.ok()) return conf.error();
  char errstr[512];
  rd_kafka_t* raw = rd_kafka_new(RD_KAFKA_PRODUCER, conf->get(), errstr, sizeof(errstr));
  if (raw == nullptr) return Error::fatal("ADMIN", errstr);
  conf->release();
  kafka::KafkaHandle rk(raw);
  rd_kafka_NewTopic_t* new_topic =
      rd_kafka_NewTopic_new(topic.c_str(), partitions, replication_factor, errstr, sizeof(errstr));
  if (new_topic == nullptr) return Error::fatal("ADMIN", errstr);
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk.get());
  rd_kafka_CreateTopics(rk.get(), &new_topic, 1, nullptr, queue);
  rd_kafka_event_t* event = rd_kafka_queue_poll(queue, 30000);
  Status status = ok_status();
  if (event == nullptr) {
    status = Error::transient("ADMIN", "CreateTopics timed out");
  } else {
    const rd_kafka_CreateTopics_result_t* result = rd_kafka_event_CreateTopics_result(event);
    size_t count = 0;
    const rd_kafka_topic_result_t** topics =
        result ? rd_kafka_CreateTopics_result_topics(result, &count) : nullptr;
    if (rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      status = Error::transient("ADMIN", rd_kafka_event_error_string(event));
    } else if (count == 1 && rd_kafka_topic_result_error(topics[0]) != RD_KAFKA_RESP_ERR_NO_ERROR &&
               rd_kafka_topic_result_error(topics[0]) != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
      status = Error::transient("ADMIN", rd_kafka_topic_result_error_string(topics[0]));
    }
    rd_kafka_event_destroy(event);
  }
  rd_kafka_queue_destroy(queue);
  rd_kafka_NewTopic_destroy(new_topic);
  return status;
}

}  // namespace sfpe::testing
