#!/usr/bin/python3
"""Writes the conformance records with Confluent's own serializers (python3-confluent-kafka).

JSON Schema and Protobuf go through confluent_kafka's JSONSerializer and ProtobufSerializer,
which register their schemas with the registry; Avro datums are written by Apache's Avro
library (python3-avro) in the Confluent framing, because the package's AvroSerializer needs
fastavro, which Debian does not ship. Every format writes the same three records to
partition 0 of the topic: a full event, an event with only TextField__c set, and a tombstone.
The expected Salesforce events are asserted by tests/integration/conformance_test.cc.

usage: produce.py FORMAT BOOTSTRAP REGISTRY_URL TOPIC WORK_DIR
"""
import datetime
import decimal
import io
import json
import os
import struct
import subprocess
import sys

from confluent_kafka import Producer
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.serialization import MessageField, SerializationContext

HERE = os.path.dirname(os.path.abspath(__file__))
UTC = datetime.timezone.utc

AVRO_SCHEMA = {
    "type": "record", "name": "ConfluentEvent__e", "namespace": "io.confluent.salesforce",
    "fields": [
        {"name": "ReplayId", "type": ["null", "string"], "default": None},
        {"name": "CreatedDate",
         "type": ["null", {"type": "long", "logicalType": "timestamp-millis"}], "default": None},
        {"name": "TextField__c", "type": ["null", "string"], "default": None},
        {"name": "NumberField__c",
         "type": ["null", {"type": "bytes", "logicalType": "decimal", "precision": 12,
                           "scale": 3}], "default": None},
        {"name": "BooleanField__c", "type": ["boolean", "null"], "default": False},
        {"name": "DateField__c", "type": ["null", {"type": "int", "logicalType": "date"}],
         "default": None},
        {"name": "DateTimeField__c",
         "type": ["null", {"type": "long", "logicalType": "timestamp-micros"}], "default": None},
        {"name": "LongTextField__c",
         "type": ["null", {"type": "enum", "name": "Tier", "symbols": ["BRONZE", "GOLD"]}],
         "default": None},
        {"name": "_ObjectType", "type": ["null", "string"], "default": None},
    ],
}

JSON_SCHEMA = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "io.confluent.salesforce.ConfluentEvent__e",
    "type": "object",
    "properties": {
        "ReplayId": {"oneOf": [{"type": "null"}, {"type": "string"}], "connect.index": 0},
        "CreatedDate": {"oneOf": [{"type": "null"},
                                  {"type": "integer", "connect.type": "int64",
                                   "connect.version": 1,
                                   "title": "org.apache.kafka.connect.data.Timestamp"}],
                        "connect.index": 1},
        "TextField__c": {"oneOf": [{"type": "null"}, {"type": "string"}], "connect.index": 2},
        "NumberField__c": {"oneOf": [{"type": "null"}, {"type": "number"}], "connect.index": 3},
        "BooleanField__c": {"oneOf": [{"type": "null"}, {"type": "boolean"}],
                            "connect.index": 4},
        "DateField__c": {"oneOf": [{"type": "null"}, {"type": "string", "format": "date"}],
                         "connect.index": 5},
        "DateTimeField__c": {"oneOf": [{"type": "null"},
                                       {"type": "string", "format": "date-time"}],
                             "connect.index": 6},
        "LongTextField__c": {"oneOf": [{"type": "null"}, {"$ref": "#/definitions/Address"}],
                             "connect.index": 7},
        "_ObjectType": {"oneOf": [{"type": "null"}, {"type": "string"}], "connect.index": 8},
    },
    "definitions": {
        "Address": {"type": "object", "title": "Address",
                    "properties": {"city": {"type": "string", "connect.index": 0},
                                   "zip": {"type": "integer", "connect.type": "int32",
                                           "connect.index": 1}}},
    },
}

CREATED = datetime.datetime(2019, 3, 25, 19, 43, 11, 336000, tzinfo=UTC)


def avro_values(registry, topic):
    import avro.io
    import avro.schema

    schema_id = registry.register_schema(topic + "-value",
                                         Schema(json.dumps(AVRO_SCHEMA), "AVRO"))
    parsed = avro.schema.parse(json.dumps(AVRO_SCHEMA))
    writer = avro.io.DatumWriter(parsed)

    def frame(datum):
        out = io.BytesIO()
        out.write(struct.pack(">bI", 0, schema_id))
        writer.write(datum, avro.io.BinaryEncoder(out))
        return out.getvalue()

    full = {"ReplayId": "1001", "CreatedDate": CREATED, "TextField__c": "This is a Text field",
            "NumberField__c": decimal.Decimal("1234.567"), "BooleanField__c": True,
            "DateField__c": datetime.date(2019, 3, 25),
            "DateTimeField__c": datetime.datetime(2019, 3, 25, 19, 43, 11, 336999, tzinfo=UTC),
            "LongTextField__c": "GOLD", "_ObjectType": "ConfluentEvent__e"}
    sparse = {"ReplayId": None, "CreatedDate": None, "TextField__c": "only text",
              "NumberField__c": None, "BooleanField__c": None, "DateField__c": None,
              "DateTimeField__c": None, "LongTextField__c": None, "_ObjectType": None}
    return [frame(full), frame(sparse), None]


def json_values(registry, topic):
    from confluent_kafka.schema_registry.json_schema import JSONSerializer

    serializer = JSONSerializer(json.dumps(JSON_SCHEMA), registry)
    ctx = SerializationContext(topic, MessageField.VALUE)
    full = {"ReplayId": "1001", "CreatedDate": 1553542991336,
            "TextField__c": "This is a Text field", "NumberField__c": 33.25,
            "BooleanField__c": True, "DateField__c": "2019-03-25",
            "DateTimeField__c": "2019-03-25T21:43:11.336+02:00",
            "LongTextField__c": {"city": "Oslo", "zip": 150},
            "_ObjectType": "ConfluentEvent__e"}
    sparse = {"TextField__c": "only text"}
    return [serializer(full, ctx), serializer(sparse, ctx), None]


def protobuf_values(registry, topic, work_dir):
    subprocess.run(["protoc", "--proto_path=" + HERE, "--python_out=" + work_dir,
                    os.path.join(HERE, "conformance_event.proto")], check=True)
    sys.path.insert(0, work_dir)
    import conformance_event_pb2 as pb
    from google.protobuf import timestamp_pb2
    from confluent_kafka.schema_registry.protobuf import ProtobufSerializer

    serializer = ProtobufSerializer(pb.ConfluentEvent__e, registry)
    ctx = SerializationContext(topic, MessageField.VALUE)
    full = pb.ConfluentEvent__e()
    full.ReplayId = "1001"
    full.CreatedDate.CopyFrom(timestamp_pb2.Timestamp(seconds=1553542991, nanos=336000000))
    full.TextField__c = "This is a Text field"
    full.NumberField__c.value = 33.25
    full.BooleanField__c = True
    full.DateField__c = "2019-03-25"
    full.DateTimeField__c.CopyFrom(timestamp_pb2.Timestamp(seconds=1553542991, nanos=336999000))
    full.LongTextField__c.city = "Oslo"
    full.LongTextField__c.zip = 150
    full._ObjectType = "ConfluentEvent__e"
    sparse = pb.ConfluentEvent__e(TextField__c="only text")
    return [serializer(full, ctx), serializer(sparse, ctx), None]


def main():
    fmt, bootstrap, registry_url, topic, work_dir = sys.argv[1:6]
    registry = SchemaRegistryClient({"url": registry_url})
    if fmt == "avro":
        values = avro_values(registry, topic)
    elif fmt == "json":
        values = json_values(registry, topic)
    elif fmt == "protobuf":
        values = protobuf_values(registry, topic, work_dir)
    else:
        sys.exit("unknown format " + fmt)
    producer = Producer({"bootstrap.servers": bootstrap, "acks": "all"})
    failures = []
    for value in values:
        producer.produce(topic, value=value, partition=0,
                         on_delivery=lambda err, msg: failures.append(err) if err else None)
    producer.flush(30)
    if failures or len(producer) != 0:
        sys.exit("delivery failed: {}".format(failures or "timed out"))
    print("PRODUCED={}".format(len(values)), flush=True)


if __name__ == "__main__":
    main()
