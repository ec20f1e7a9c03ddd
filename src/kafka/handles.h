// RAII owners for librdkafka's C handles, so no *_destroy call appears in the logic.
#pragma once

#include <librdkafka/rdkafka.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"

namespace sfpe::kafka {

struct KafkaDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
  void operator()(rd_kafka_conf_t* conf) const { rd_kafka_conf_destroy(conf); }
  void operator()(rd_kafka_topic_partition_list_t* list) const {
    rd_kafka_topic_partition_list_destroy(list);
  }
  void operator()(rd_kafka_message_t* message) const { rd_kafka_message_destroy(message); }
  void operator()(rd_kafka_headers_t* headers) const { rd_kafka_headers_destroy(headers); }
};

using KafkaHandle = std::unique_ptr<rd_kafka_t, KafkaDeleter>;
using KafkaConf = std::unique_ptr<rd_kafka_conf_t, KafkaDeleter>;
using PartitionList = std::unique_ptr<rd_kafka_topic_partition_list_t, KafkaDeleter>;
using KafkaMessage = std::unique_ptr<rd_kafka_message_t, KafkaDeleter>;

// Builds a librdkafka configuration; the first property librdkafka rejects is an Error that
// names it (values are not echoed: they may be secrets such as sasl.password).
Result<KafkaConf> make_conf(const std::map<std::string, std::string>& properties);

// Removes the properties librdkafka does not know (Java-client-only names such as
// max.poll.records) and returns their names. Values are not checked here.
std::vector<std::string> drop_unknown_properties(std::map<std::string, std::string>& properties);

}  // namespace sfpe::kafka
