//! The parser's tests, end to end: Jenkinsfile text in, outline or failure out. They sit in
//! one file because each exercises all three passes; the fixtures at the top are shared.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::calls::MAX_CHAIN_NAME;
use super::lexer::MAX_DEPTH;
use super::parse;
use crate::parse::Failure;

fn parsed(text: &str) -> Value {
    match parse(text) {
        Ok(value) => value,
        Err(failure) => panic!("should parse: {failure:?}\n{text}"),
    }
}

fn failed(text: &str) -> Failure {
    match parse(text) {
        Ok(value) => panic!("should fail, got {value}\n{text}"),
        Err(failure) => failure,
    }
}

fn names(values: &Value) -> Vec<&str> {
    values.as_array().expect("an array").iter().map(|v| v["name"].as_str().expect("a name")).collect()
}

fn texts(values: &Value) -> Vec<&str> {
    values.as_array().expect("an array").iter().map(|v| v["text"].as_str().expect("a text")).collect()
}

/// `(step name, stage)` pairs of the flattened steps.
fn placed(value: &Value) -> Vec<(&str, Option<&str>)> {
    value["steps"].as_array().unwrap().iter().map(|s| (s["name"].as_str().unwrap(), s["stage"].as_str())).collect()
}

const DECLARATIVE: &str = r#"// A declarative pipeline } with { braces " and ' quotes in comments
pipeline {
    agent { docker { image 'maven:3.9' ; args '-v $HOME/.m2:/root/.m2' } }
    environment {
        REGISTRY = credentials('registry')   /* { unbalanced in a comment */
    }
    options { timeout(time: 1, unit: 'HOURS'); buildDiscarder(logRotator(numToKeepStr: '10')) }
    triggers {
        cron('H 2 * * *')
        pollSCM 'H/5 * * * *'
    }
    parameters { booleanParam(name: 'DEPLOY', defaultValue: false) }
    stages {
        stage('Build') {
            steps {
                sh 'mvn -B -DskipTests clean package'
                echo "Built ${env.BUILD_ID} with { braces } and \"quotes\""
            }
        }
        stage('Test') {
            parallel {
                stage("Unit") {
                    steps { sh(script: "mvn test", label: 'unit tests') }
                    post { always { junit 'target/surefire-reports/*.xml' } }
                }
                stage(name: 'Integration') {
                    when { branch 'main' }
                    steps {
                        sh '''
                            ./run-it.sh --profile ci
                            echo done
                        '''
                    }
                }
            }
        }
        stage('Deploy') {
            when { expression { return params.DEPLOY } }
            input { message 'Ship it?' }
            steps {
                script {
                    def version = sh(returnStdout: true, script: 'git describe --tags').trim()
                    if (version.startsWith('v')) {
                        sh "./deploy.sh ${version}"
                    } else {
                        error 'not a release'
                    }
                }
                withCredentials([usernamePassword(credentialsId: 'hub', usernameVariable: 'U', passwordVariable: 'P')]) {
                    sh 'docker login -u $U -p $P'
                }
            }
        }
    }
    post {
        failure { mail to: 'team@example.com', subject: 'Broken' }
        cleanup { cleanWs() }
    }
}
"#;

#[test]
fn a_declarative_pipeline_is_outlined() {
    let value = parsed(DECLARATIVE);
    assert_eq!(value["kind"], json!("declarative"));
    assert_eq!(names(&value["stages"]), vec!["Build", "Test", "Unit", "Integration", "Deploy"]);
    let lines: Vec<u64> = value["stages"].as_array().unwrap().iter().map(|s| s["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, vec![14, 20, 22, 26, 37]);
    assert_eq!(
        placed(&value),
        vec![
            ("sh", Some("Build")),
            ("echo", Some("Build")),
            ("sh", Some("Unit")),
            ("junit", Some("Unit")),
            ("sh", Some("Integration")),
            ("sh", Some("Deploy")),
            ("sh.trim", Some("Deploy")),
            ("version.startsWith", Some("Deploy")),
            ("sh", Some("Deploy")),
            ("error", Some("Deploy")),
            ("sh", Some("Deploy")),
            ("mail", None),
            ("cleanWs", None),
        ]
    );
    assert_eq!(
        value["triggers"],
        json!([
            {"name": "cron", "args": "'H 2 * * *'", "text": "H 2 * * *", "line": 9},
            {"name": "pollSCM", "args": "'H/5 * * * *'", "text": "H/5 * * * *", "line": 10},
        ])
    );
}

#[test]
fn steps_carry_args_text_and_line() {
    let value = parsed(DECLARATIVE);
    let steps = &value["steps"];
    assert_eq!(
        steps[0],
        json!({"name": "sh", "args": "'mvn -B -DskipTests clean package'", "text": "mvn -B -DskipTests clean package", "line": 16, "stage": "Build"})
    );
    assert_eq!(steps[1]["text"], json!("Built ${env.BUILD_ID} with { braces } and \"quotes\""));
    assert_eq!(steps[2]["args"], json!("script: \"mvn test\", label: 'unit tests'"));
    assert_eq!(steps[2]["text"], json!("mvn test"));
    assert_eq!(steps[4]["text"], json!("\n                            ./run-it.sh --profile ci\n                            echo done\n                        "));
    assert_eq!(steps[4]["line"], json!(29));
    assert_eq!(steps[5]["text"], json!("git describe --tags"));
    assert_eq!(
        steps[11],
        json!({"name": "mail", "args": "to: 'team@example.com', subject: 'Broken'", "text": "team@example.com Broken", "line": 56, "stage": null})
    );
}

#[test]
fn a_stage_holds_the_steps_of_its_nested_stages() {
    let value = parsed(DECLARATIVE);
    let stage =
        |name: &str| value["stages"].as_array().unwrap().iter().find(|s| s["name"] == json!(name)).unwrap().clone();
    assert_eq!(names(&stage("Test")["steps"]), vec!["sh", "junit", "sh"]);
    assert_eq!(names(&stage("Unit")["steps"]), vec!["sh", "junit"]);
    assert_eq!(
        stage("Unit")["steps"][0],
        json!({"name": "sh", "args": "script: \"mvn test\", label: 'unit tests'", "text": "mvn test", "line": 23})
    );
    // `input`, `when` and `withCredentials` are not steps; their insides are read or not.
    // Every call is reported, method calls in conditions too.
    assert_eq!(names(&stage("Deploy")["steps"]), vec!["sh", "sh.trim", "version.startsWith", "sh", "error", "sh"]);
    assert_eq!(texts(&stage("Deploy")["steps"])[5], "docker login -u $U -p $P");
}

const SCRIPTED: &str = r#"#!/usr/bin/env groovy
@Library('shared-lib@v2') _
import groovy.json.JsonSlurper

properties([
    buildDiscarder(logRotator(numToKeepStr: '5')),
    pipelineTriggers([cron('@nightly'), githubPush()])
])

def notify(String status) {
    slackSend channel: '#ci', message: "Build ${status}"
}

node('linux') {
    try {
        stage('Checkout') {
            checkout scm
        }
        stage('Build') {
            withCredentials([string(credentialsId: 'token', variable: 'TOKEN')]) {
                sh "./gradlew build -Ptoken=\$TOKEN"
            }
            docker.image('node:20').inside('-u root') {
                sh 'npm ci && npm test'
            }
        }
        stage('Parallel') {
            parallel(
                linux: { sh 'make linux' },
                windows: {
                    node('windows') { bat 'make.bat' }
                },
                failFast: true
            )
        }
        ['a', 'b'].each { name ->
            sh "echo ${name}"
        }
    } catch (err) {
        currentBuild.result = 'FAILURE'
        notify('failed')
        throw err
    } finally {
        archiveArtifacts artifacts: 'build/**', allowEmptyArchive: true
    }
}
"#;

#[test]
fn a_scripted_pipeline_is_outlined() {
    let value = parsed(SCRIPTED);
    assert_eq!(value["kind"], json!("scripted"));
    assert_eq!(names(&value["stages"]), vec!["Checkout", "Build", "Parallel"]);
    assert_eq!(
        placed(&value),
        vec![
            ("properties", None),
            ("slackSend", None),
            ("checkout", Some("Checkout")),
            ("sh", Some("Build")),
            ("docker.image", Some("Build")),
            ("sh", Some("Build")),
            ("sh", Some("Parallel")),
            ("bat", Some("Parallel")),
            ("each", None),
            ("sh", None),
            ("notify", None),
            ("archiveArtifacts", None),
        ]
    );
    assert_eq!(names(&value["triggers"]), vec!["cron", "githubPush"]);
    assert_eq!(value["triggers"][0], json!({"name": "cron", "args": "'@nightly'", "text": "@nightly", "line": 7}));
    let steps = &value["steps"];
    assert_eq!(steps[2]["args"], json!("scm"));
    assert_eq!(steps[2]["text"], json!(""));
    assert_eq!(steps[3]["text"], json!("./gradlew build -Ptoken=$TOKEN"));
    assert_eq!(steps[4]["text"], json!("node:20"));
    assert_eq!(steps[11]["text"], json!("build/**"));
}

#[test]
fn a_map_literal_call_receiver_is_named_by_its_method() {
    // `['a', 'b'].each { }` has no name before the call: it is named `each`.
    let value = parsed("['a'].each { x -> sh x }\n");
    assert_eq!(placed(&value), vec![("each", None), ("sh", None)]);
}

#[test]
fn old_style_stages_hold_the_statements_after_them() {
    let value = parsed("node {\n  stage 'Checkout'\n  checkout scm\n  stage name: 'Build', concurrency: 1\n  sh 'make'\n}\nsh 'after'\n");
    assert_eq!(names(&value["stages"]), vec!["Checkout", "Build"]);
    assert_eq!(placed(&value), vec![("checkout", Some("Checkout")), ("sh", Some("Build")), ("sh", None)]);
    assert_eq!(value["stages"][1]["line"], json!(4));
}

#[test]
fn stage_names_fall_back_to_their_arguments() {
    let value = parsed("stage(\"Deploy ${env.TARGET}\") { sh 'x' }\nstage(stageName) { sh 'y' }\n");
    assert_eq!(names(&value["stages"]), vec!["Deploy ${env.TARGET}", "stageName"]);
}

#[test]
fn matrix_axes_are_settings_and_its_stages_are_stages() {
    let value = parsed(
        r#"pipeline {
  agent none
  stages {
    stage('Matrix') {
      matrix {
        axes { axis { name 'PLATFORM'; values 'linux', 'windows' } }
        excludes { exclude { axis { name 'PLATFORM'; values 'windows' } } }
        stages { stage('Build') { steps { echo "Build on ${PLATFORM}" } } }
      }
    }
  }
}"#,
    );
    assert_eq!(names(&value["stages"]), vec!["Matrix", "Build"]);
    assert_eq!(placed(&value), vec![("echo", Some("Build"))]);
    assert_eq!(names(&value["stages"][0]["steps"]), vec!["echo"]);
}

#[test]
fn input_is_a_step_without_a_block_and_a_setting_with_one() {
    let value = parsed("stage('Approve') {\n  input message: 'Deploy?', ok: 'Yes'\n}\nstage('S') { input { message 'x' }\n steps { sh 'y' } }\n");
    assert_eq!(placed(&value), vec![("input", Some("Approve")), ("sh", Some("S"))]);
    assert_eq!(value["steps"][0]["text"], json!("Deploy? Yes"));
}

#[test]
fn text_decodes_escapes_and_keeps_interpolations() {
    let value = parsed(concat!(
        "sh 'it\\'s \\\\ a \\u00e9 \\n'\n",
        "sh \"${x ? \"a}\" : 'b{'} \\${HOME} \\$y\"\n",
        "echo 'a' + \"b\" + '''c''' + \"\"\"d\"\"\"\n",
        "sh \"\"\"line one \\\nstill one\nline two\"\"\"\n",
        "sh(script: 'first', label: 'l', encoding: 'UTF-8')\n",
        "git url: 'https://x/y.git', branch: 'main'\n",
    ));
    assert_eq!(
        texts(&value["steps"]),
        vec![
            "it's \\ a é \n",
            "${x ? \"a}\" : 'b{'} ${HOME} $y",
            "a b c d",
            "line one still one\nline two",
            "first",
            "https://x/y.git main",
        ]
    );
}

#[test]
fn strings_inside_nested_calls_and_closures_are_not_the_calls_text() {
    let value = parsed("build job: 'deploy', parameters: [string(name: 'ENV', value: 'prod'), 'extra'], wait: false\n");
    assert_eq!(value["steps"][0]["text"], json!("deploy extra"));
    let ternary = parsed("sh(cond ? 'a' : 'b')\n");
    assert_eq!(ternary["steps"][0]["text"], json!("a b"));
}

#[test]
fn calls_in_list_and_map_literals_are_data_but_their_closures_hold_steps() {
    let value = parsed(concat!(
        "def params = [string(name: 'version', value: \"$v\"), booleanParam(name: 'X', value: true)]\n",
        "build job: 'deploy', parameters: params\n",
        "def branches = [linux: { stage('Linux') { sh 'make' } }, other: helper({ sh 'nested' })]\n",
        "parallel branches\n",
        "properties([pipelineTriggers(triggers: [cron('H * * * *')])])\n",
    ));
    assert_eq!(placed(&value), vec![("build", None), ("sh", Some("Linux")), ("sh", None), ("properties", None)]);
    assert_eq!(names(&value["triggers"]), vec!["cron"]);
}

#[test]
fn named_arguments_continue_over_lines() {
    let value = parsed("def out = sh script: 'git rev-parse HEAD',\n    returnStdout: true\necho out\n");
    assert_eq!(placed(&value), vec![("sh", None), ("echo", None)]);
    assert_eq!(value["steps"][0]["args"], json!("script: 'git rev-parse HEAD',\n    returnStdout: true"));
}

#[test]
fn chains_across_lines_and_blocks_on_their_own_line_are_attached() {
    let value = parsed("def v = sh(script: 'x', returnStdout: true)\n    .trim()\n    .split('\\n')\nstage('Allman')\n{\n    sh 'y'\n}\n");
    assert_eq!(placed(&value), vec![("sh", None), ("sh.trim", None), ("sh.trim.split", None), ("sh", Some("Allman"))]);
    assert_eq!(value["steps"][2]["text"], json!("\n"));
}

#[test]
fn control_flow_is_read_through() {
    let value = parsed(
        r#"node {
  for (int i = 0; i < 3; i++) { sh "echo ${i}" }
  while (isRunning()) sleep 5
  if (a) sh 'one' else if (b) { sh 'two' } else sh 'three'
  switch (env.BRANCH_NAME) {
    case 'main': sh 'deploy'; break
    case ~/release\/.*/:
      sh 'release'
      break
    default: echo 'nothing'
  }
  synchronized (this) { sh 'locked' }
  String label = 'x'
  List<String> items = ['a']
  items.each { String item, int index -> echo item }
  return
}"#,
    );
    assert_eq!(
        names(&value["steps"]),
        vec!["sh", "isRunning", "sleep", "sh", "sh", "sh", "sh", "sh", "echo", "sh", "items.each", "echo"]
    );
}

#[test]
fn classes_methods_and_constructors_are_not_steps_themselves() {
    let value = parsed(
        "@NonCPS\ndef parse(String json) {\n  return new groovy.json.JsonSlurper().parseText(json)\n}\nclass Helper implements Serializable {\n  def steps\n  void run() { steps.sh 'x' }\n}\n",
    );
    assert_eq!(names(&value["steps"]), vec!["parseText", "steps.sh"]);
}

#[test]
fn groovy_odds_and_ends_do_not_fail() {
    let value = parsed(concat!(
        "@Library(['a@1', 'b']) import org.foo.Bar\n",
        "def (a, b) = [1, 2]\n",
        "def pattern = /a\\/b{/\n",
        "def dollar = $/ { ' \" /$\n",
        "if (env.BRANCH_NAME ==~ /release-.*/) { echo 'release' }\n",
        "def half = total / 2 / 1\n",
        "x = a?.b?.c() ?: [k: { y -> y }]\n",
        "println(\"${'}'}\")\n",
        "def s = '''it's ' still '' going'''\n",
        "def e = ''\n",
        "sh 'one'; sh 'two' /* multi\nline */ sh 'three'\n",
        "label: for (x in xs) { continue label }\n",
    ));
    assert_eq!(names(&value["steps"]), vec!["echo", "c", "println", "sh", "sh", "sh"]);
    assert_eq!(value["steps"][5]["line"], json!(12));
}

#[test]
fn empty_and_comment_only_files_are_scripted_and_empty() {
    let empty = json!({"kind": "scripted", "stages": [], "steps": [], "triggers": []});
    assert_eq!(parsed(""), empty);
    assert_eq!(parsed("// nothing\n/* at all */\n\n"), empty);
}

#[test]
fn a_pipeline_nested_elsewhere_is_not_declarative() {
    assert_eq!(parsed("node { pipeline { } }")["kind"], json!("scripted"));
    assert_eq!(parsed("pipeline\n{\n}\n")["kind"], json!("declarative"));
}

#[test]
fn an_unclosed_brace_fails_at_the_brace() {
    let failure = failed("pipeline {\n  stages {\n    stage('a') {\n      steps { sh 'x' }\n  }\n}\n");
    assert_eq!((failure.line, failure.column), (Some(1), Some(10)));
    assert!(failure.message.contains('{'), "{}", failure.message);
}

#[test]
fn an_unclosed_paren_inside_braces_fails_at_the_paren() {
    let failure = failed("node {\n  sh(\"make\"\n}\n");
    assert_eq!((failure.line, failure.column), (Some(2), Some(5)));
    assert!(failure.message.contains('('), "{}", failure.message);
}

#[test]
fn an_unmatched_closer_fails_at_the_closer() {
    let failure = failed("node {\n  sh 'x'\n}\n}\n");
    assert_eq!((failure.line, failure.column), (Some(4), Some(1)));
    let bracket = failed("node { sh 'x' ]\n");
    assert_eq!((bracket.line, bracket.column), (Some(1), Some(15)));
}

#[test]
fn unterminated_strings_fail_at_their_opening_quote() {
    for (text, line, column) in [
        ("sh 'make\n", 1, 4),
        ("node {\n  echo \"oops\n}\n", 2, 8),
        ("sh '''\nmake\n", 1, 4),
        ("x = \"\"\"${ 'a' \n", 1, 5),
        ("é = 'x", 1, 5),
        ("sh 'trailing backslash\\", 1, 4),
    ] {
        let failure = failed(text);
        assert_eq!((failure.line, failure.column), (Some(line), Some(column)), "{text:?}");
        assert!(failure.message.contains("string"), "{}", failure.message);
    }
}

#[test]
fn an_unterminated_comment_fails_at_its_start() {
    let failure = failed("node {\n  /* never closed }\n");
    assert_eq!((failure.line, failure.column), (Some(2), Some(3)));
    assert!(failure.message.contains("comment"), "{}", failure.message);
}

#[test]
fn nesting_is_limited() {
    let fine = format!("{}sh 'deep'{}", "node {".repeat(MAX_DEPTH), "}".repeat(MAX_DEPTH));
    assert_eq!(
        parsed(&fine)["steps"],
        json!([{"name": "sh", "args": "'deep'", "text": "deep", "line": 1, "stage": null}])
    );
    let deep = format!("{}{}", "node {".repeat(MAX_DEPTH + 1), "}".repeat(MAX_DEPTH + 1));
    let failure = failed(&deep);
    assert_eq!((failure.line, failure.column), (Some(1), Some(6 * MAX_DEPTH as u32 + 6)));
    assert!(failure.message.contains("deeper"), "{}", failure.message);
    let interpolated = failed(&"\"${".repeat(MAX_DEPTH));
    assert!(interpolated.message.contains("deeper"), "{}", interpolated.message);
}

#[test]
fn method_chain_names_stop_growing() {
    let value = parsed(&format!("a(){}", ".bb()".repeat(40)));
    let names = names(&value["steps"]);
    assert_eq!(names[1], "a.bb");
    assert!(names.iter().all(|name| name.len() <= MAX_CHAIN_NAME), "{names:?}");
    assert_eq!(names.last(), Some(&"bb"));
}

#[test]
fn an_outline_multiplied_by_nested_stages_is_refused() {
    // Each step is repeated in its 60 enclosing stages: about 50 MiB of outline.
    let text = format!("{}{}{}", "stage('s') {".repeat(60), "sh 'x'\n".repeat(10_000), "}".repeat(60));
    let failure = failed(&text);
    assert!(failure.message.contains("outline"), "{}", failure.message);
    assert_eq!((failure.line, failure.column), (None, None));
    // The same steps in one stage are fine.
    let flat = format!("stage('s') {{\n{}}}", "sh 'x'\n".repeat(10_000));
    assert_eq!(parsed(&flat)["stages"][0]["steps"].as_array().map(Vec::len), Some(10_000));
}

/// Runs the parser on hostile input and checks it answers quickly.
fn quickly(text: &str) -> Result<Value, Failure> {
    let started = Instant::now();
    let result = parse(text);
    assert!(started.elapsed() < Duration::from_secs(3), "took {:?}", started.elapsed());
    result
}

#[test]
fn hostile_input_is_handled_in_linear_time() {
    const SIZE: usize = 1 << 20;
    for bracket in ["{", "(", "[", "\"${", "\"${x{"] {
        assert!(quickly(&bracket.repeat(SIZE / bracket.len())).is_err(), "{bracket}");
    }
    for unterminated in ["'", "\"", "'''", "\"\"\"", "/*"] {
        let failure = quickly(&format!("{unterminated}{}", "a".repeat(SIZE))).unwrap_err();
        assert_eq!((failure.line, failure.column), (Some(1), Some(1)), "{unterminated}");
    }
    assert!(quickly(&"}".repeat(SIZE)).is_err());
    assert!(quickly(&"{}".repeat(SIZE / 2)).is_ok());
    assert!(quickly(&"if (x) ".repeat(SIZE / 7)).is_ok());
    assert!(quickly(&format!("if (a) {{}}{}", " else if (b) {}".repeat(SIZE / 15))).is_ok());
    let chain = quickly(&format!("a(){}", ".b()".repeat(SIZE / 4))).unwrap_err();
    assert!(chain.message.contains("outline"), "{}", chain.message);
    let chain = quickly(&format!("a(){}", ".b()".repeat(SIZE / 16))).unwrap();
    assert_eq!(chain["steps"].as_array().map(Vec::len), Some(SIZE / 16 + 1));
    assert!(quickly(&"a\n".repeat(SIZE / 2)).is_ok());
    assert!(quickly(&"sh 'x',\n".repeat(SIZE / 8)).is_ok());
    assert!(quickly(&"x = /a ".repeat(SIZE / 7)).is_ok());
    assert!(quickly(&"$/ab".repeat(SIZE / 4)).is_ok());
    assert!(quickly(&"x = /a\\".repeat(SIZE / 7)).is_ok());
    assert!(quickly(&"x.".repeat(SIZE / 2)).is_ok());
    assert_eq!(
        quickly(&"stage('s') { sh 'x' }\n".repeat(SIZE / 22)).unwrap()["steps"].as_array().map(Vec::len),
        Some(SIZE / 22)
    );
}
