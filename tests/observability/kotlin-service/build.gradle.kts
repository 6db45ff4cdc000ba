plugins {
    kotlin("jvm") version "2.0.0"
}

dependencies {
    implementation(platform("io.opentelemetry:opentelemetry-bom:1.40.0"))
    implementation(
        "io.micrometer:micrometer-registry-prometheus:1.13.0"
    )
    testImplementation("io.zipkin.reporter2:zipkin-reporter:3.4.0")
}
