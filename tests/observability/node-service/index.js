const express = require('express');
const pino = require('pino')();
const app = express();
app.listen(8080, () => pino.info('listening'));
