// MockKafkaCluster: a throwaway rd_kafka_t configured with test.mock.num.brokers hosts the mock.
#include "kafka_cluster/mock_cluster.h"

#include <fmt/format.h>
#include <librdkafka/rdkafka_mock.h>

namespace sfpe::testing {

Result<std::unique_ptr<MockKafkaCluster>> MockKafkaCluster::create(int brokers) {
  if (brokers < 1) {
    return Error::fatal("KAFKA_MOCK", fmt::format("--brokers must be at least 1, got {}", brokers));
  }
  // The host handle's own logs (it connects to its own mock brokers) are of no interest.
  auto conf =
      kafka::make_conf({{"test.mock.num.brokers", std::to_string(brokers)}, {"log_level", "3"}});
  if (!conf.ok()) return conf.error();
  char errstr[512];
  kafka::KafkaHandle host(rd_kafka_new(RD_KAFKA_PRODUCER, conf->get(), errstr, sizeof(errstr)));
  if (!host) {
    return Error::fatal("KAFKA_MOCK", fmt::format("cannot create the mock cluster: {}", errstr));
  }
  conf->release();  // rd_kafka_new owns the configuration on success
  rd_kafka_mock_cluster_t* cluster = rd_kafka_handle_mock_cluster(host.get());
  if (cluster == nullptr) {
    return Error::fatal("KAFKA_MOCK", "librdkafka did not create a mock cluster");
  }
  std::unique_ptr<MockKafkaCluster> result(new MockKafkaCluster());
  result->host_ = std::move(host);
  result->cluster_ = cluster;
  return result;
}

Status MockKafkaCluster::create_topic(const std::string& name, int partitions) {
  if (name.empty() || partitions < 1) {
    return Error::fatal(
        "KAFKA_MOCK",
        fmt::format("topic '{}' needs a name and at least 1 partition, got {}", name, partitions));
  }
  rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(cluster_, name.c_str(), partitions, 1);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Error::fatal("KAFKA_MOCK",
                        fmt::format("cannot create topic '{}': {}", name, rd_kafka_err2str(err)));
  }
  return ok_status();
}

Status MockKafkaCluster::set_rtt(int rtt_ms) {
  rd_kafka_resp_err_t err = rd_kafka_mock_broker_set_rtt(cluster_, -1, rtt_ms);  // -1: all
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Error::fatal("KAFKA_MOCK",
                        fmt::format("cannot delay the brokers: {}", rd_kafka_err2str(err)));
  }
  return ok_status();
}

std::string MockKafkaCluster::bootstrap_servers() const {
  return rd_kafka_mock_cluster_bootstraps(cluster_);
}

}  // namespace sfpe::testing
