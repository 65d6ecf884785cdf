<?php
// A payment call as a PHP shop makes it: POST a JSON body through the curl
// extension, log the failure with error_log(). (libcurl 7.88 adds
// `Expect: 100-continue` on its own only to bodies of 1 MB or more, so this
// ~3 KB call goes without it.)
// Usage: php payment.php PORT   (writes curl-verbose.txt, logs to error_log)
$url = 'http://127.0.0.1:' . $argv[1] . '/v1/payments/reset-mid-body';
$items = [];
for ($i = 0; $i < 40; $i++) {
    $items[] = ['sku' => sprintf('SKU-%05d', $i), 'qty' => 1 + $i % 3, 'price_cents' => 1299 + 10 * $i, 'name' => 'sample item ' . $i];
}
$payload = json_encode(['order_id' => 'ord_20261123_0042', 'currency' => 'EUR', 'amount_cents' => 98765, 'items' => $items]);
$verbose = fopen('curl-verbose.txt', 'w');
$ch = curl_init($url);
curl_setopt_array($ch, [
    CURLOPT_POST => true,
    CURLOPT_POSTFIELDS => $payload,
    CURLOPT_RETURNTRANSFER => true,
    CURLOPT_TIMEOUT => 10,
    CURLOPT_VERBOSE => true,
    CURLOPT_STDERR => $verbose,
    CURLOPT_HTTPHEADER => [
        'Content-Type: application/json',
        'Authorization: Bearer sk_live_SECRET_4eC39HqLyjWDarjtT1',
        'Idempotency-Key: 6f1d2c1e-payment-0042',
    ],
]);
error_log(sprintf('payment: POST %s order=ord_20261123_0042 bytes=%d', $url, strlen($payload)));
$body = curl_exec($ch);
if ($body === false) {
    error_log(sprintf('payment: provider call failed: curl_errno=%d curl_error="%s" http_code=%d size_download=%d total_time=%.3f',
        curl_errno($ch), curl_error($ch),
        curl_getinfo($ch, CURLINFO_RESPONSE_CODE), curl_getinfo($ch, CURLINFO_SIZE_DOWNLOAD),
        curl_getinfo($ch, CURLINFO_TOTAL_TIME)));
    error_log('PHP Warning:  payment ord_20261123_0042 left in state PENDING after cURL error ' . curl_errno($ch) . ': ' . curl_error($ch));
    exit(1);
}
error_log('payment: ok ' . strlen($body) . ' bytes');
