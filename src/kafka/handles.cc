#include "kafka/handles.h"

#include <fmt/format.h>

namespace sfpe::kafka {

Result<KafkaConf> make_conf(const std::map<std::string, std::string>& properties) {
  KafkaConf conf(rd_kafka_conf_new());
  char errstr[512];
  for (const auto& [name, value] : properties) {
    if (rd_kafka_conf_set(conf.get(), name.c_str(), value.c_str(), errstr, sizeof(errstr)) !=
        RD_KAFKA_CONF_OK) {
      return Error::fatal("KAFKA_CONFIG",
                          fmt::format("Kafka client property {} was rejected: {}", name, errstr));
    }
  }
  return conf;
}

std::vector<std::string> drop_unknown_properties(std::map<std::string, std::string>& properties) {
  std::vector<std::string> dropped;
  KafkaConf scratch(rd_kafka_conf_new());
  char errstr[512];
  for (auto it = properties.begin(); it != properties.end();) {
    if (rd_kafka_conf_set(scratch.get(), it->first.c_str(), it->second.c_str(), errstr,
                          sizeof(errstr)) == RD_KAFKA_CONF_UNKNOWN) {
      dropped.push_back(it->first);
      it = properties.erase(it);
    } else {
      ++it;
    }
  }
  return dropped;
}

}  // namespace sfpe::kafka
