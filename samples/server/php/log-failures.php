<?php
// One GET through PHP's curl extension; a failure is logged the way PHP
// applications commonly do it: error_log() with curl_errno()/curl_error().
// Usage: php log-failures.php PORT PATH   (writes curl-verbose.txt, logs to error_log)
$url = 'http://127.0.0.1:' . $argv[1] . $argv[2];
$verbose = fopen('curl-verbose.txt', 'w');
$ch = curl_init($url);
curl_setopt_array($ch, [
    CURLOPT_RETURNTRANSFER => true,
    CURLOPT_TIMEOUT => 10,
    CURLOPT_VERBOSE => true,
    CURLOPT_STDERR => $verbose,
    CURLOPT_HTTPHEADER => ['Accept: application/json'],
]);
error_log("orders: GET $url");
$body = curl_exec($ch);
if ($body === false) {
    error_log(sprintf('orders: request failed: curl_errno=%d curl_error="%s" url=%s http_code=%d size_download=%d total_time=%.3f',
        curl_errno($ch), curl_error($ch), $url,
        curl_getinfo($ch, CURLINFO_RESPONSE_CODE), curl_getinfo($ch, CURLINFO_SIZE_DOWNLOAD),
        curl_getinfo($ch, CURLINFO_TOTAL_TIME)));
    exit(1);
}
error_log('orders: ok ' . strlen($body) . ' bytes');
